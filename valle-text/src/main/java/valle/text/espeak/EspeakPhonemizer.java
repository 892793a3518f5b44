package valle.text.espeak;

import java.util.ArrayList;
import java.util.List;
import valle.api.plugin.Availability;
import valle.api.text.Phonemizer;
import valle.kit.plugin.DescribedPlugin;
import valle.text.kakasi.Kakasi;

/**
 * The {@code espeak} phonemizer: espeak-ng's library called as phonemizer 3.3.0 calls it, with the options and
 * quirks of the reference's {@code g2p.encode} (docs/spec/codec.md §6, docs/spec/valle-reference.md §2.2): language
 * coercion, hiragana for Japanese, punctuation cut out and put back, stress and language-switch flags kept,
 * {@code strip}, and the Mandarin tone remap. The command-line {@code espeak-ng} is never run: it takes the
 * synthesis path, which stresses some words differently from the library.
 *
 * <p>Thread-safe: the library is process-wide and {@link EspeakLibrary} serialises every call.
 */
public final class EspeakPhonemizer extends DescribedPlugin implements Phonemizer {

    /** Cheap, as {@link java.util.ServiceLoader} requires: the library loads on first use. */
    public EspeakPhonemizer() {
        super("espeak", 10);
    }

    @Override
    public Availability availability() {
        return switch (EspeakLibrary.loaded()) {
            case EspeakLibrary.Ready r -> Availability.yes();
            case EspeakLibrary.Missing m -> Availability.no(m.reason(), m.fix());
        };
    }

    /** Names the library's version and file once it has loaded. */
    @Override
    public String description() {
        return switch (EspeakLibrary.loaded()) {
            case EspeakLibrary.Ready r -> "espeak-ng " + r.library().version() + " (" + r.library().location()
                    + ") through FFM, with phonemizer 3.3.0's rules";
            case EspeakLibrary.Missing m -> "espeak-ng through FFM, with phonemizer 3.3.0's rules";
        };
    }

    @Override
    public Availability supports(String language) {
        Availability a = availability();
        if (!a.ok()) {
            return a;
        }
        if (language == null || language.isBlank()) {
            return Availability.no("no language given", "pass one, e.g. en, de, fr, zh, ja or ko");
        }
        if (language.equals("auto")) {
            return Availability.no("language 'auto' needs language detection (langdetect in the reference), which"
                    + " valle does not do", "pass the language, e.g. en, de, fr, zh, ja or ko");
        }
        EspeakLibrary library = EspeakLibrary.get();
        String voice = LanguageCoercion.voiceLanguage(language);
        if (!library.hasLanguage(voice)) {
            return Availability.no("unknown language '" + language + "': espeak-ng " + library.version()
                    + " has no voice for " + (voice.equals(language) ? "it" : "'" + voice + "'"),
                    "use en, de, fr, zh, ja, ko or another of its " + library.languages().size()
                            + " languages (espeak-ng --voices lists them)");
        }
        return Availability.yes();
    }

    @Override
    public String phonemize(String text, String language) {
        Availability supported = supports(language);
        if (!supported.ok()) {
            throw new IllegalArgumentException(supported.toString());
        }
        EspeakLibrary library = EspeakLibrary.get();
        String voice = LanguageCoercion.voiceLanguage(language);
        if (LanguageCoercion.needsKana(voice)) {
            text = Kakasi.toHiragana(text);
        }
        Punctuation.Split split = Punctuation.preserve(text);
        List<String> phonemized = new ArrayList<>(split.chunks().size());
        for (String chunk : split.chunks()) {
            phonemized.add(EspeakOutput.clean(library.phonemes(chunk, voice)));
        }
        List<String> lines = Punctuation.restore(phonemized, split.marks());
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("the text is empty: there is nothing to phonemize");
        }
        return LanguageCoercion.remapTones(voice, lines.getFirst());
    }
}

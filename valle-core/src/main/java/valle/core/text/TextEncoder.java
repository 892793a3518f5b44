package valle.core.text;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import valle.api.text.LanguageDetector;
import valle.api.text.Phonemizer;

/**
 * The reference's {@code TTS.encode_text} for one sentence (docs/spec/valle-reference.md §2.2): the raw text is
 * tokenized first and used as is when it has no unknown id (so pre-phonemized IPA passes straight through,
 * and so does lower-case ASCII without {@code g}, a quirk kept on purpose); otherwise the phonemizer's output
 * is tokenized. With the language {@code auto} the language is detected first, as the reference's
 * {@code detect_language} does, and the detected one is phonemized. Thread-safe when the plugins it is given are.
 */
public final class TextEncoder {
    /** The caller's code for "detect the language". */
    public static final String AUTO = "auto";
    /** The detection seed when the caller gives none: the one the text-more goldens were recorded with. */
    public static final long DEFAULT_DETECTION_SEED = 0;

    private final PhonemeTokenizer tokenizer;
    private final Function<String, Phonemizer> phonemizerFor;
    private final Supplier<LanguageDetector> detector;

    /**
     * @param phonemizerFor the phonemizer for a language; throws, naming the problem and the fix, when none
     *                      is available or supports it
     * @param detector      the language detector for {@code auto}; throws, naming the fix, when none is available
     */
    public TextEncoder(PhonemeTokenizer tokenizer, Function<String, Phonemizer> phonemizerFor,
                       Supplier<LanguageDetector> detector) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.phonemizerFor = Objects.requireNonNull(phonemizerFor, "phonemizerFor");
        this.detector = Objects.requireNonNull(detector, "detector");
    }

    /** {@link #encode(String, String, long)} with the {@linkplain #DEFAULT_DETECTION_SEED default detection seed}. */
    public EncodedText encode(String text, String language) {
        return encode(text, language, DEFAULT_DETECTION_SEED);
    }

    /**
     * Encodes one sentence.
     *
     * @param language      the caller's language code ({@code en}, {@code de}, ...) or {@code auto}; unlike the
     *                      reference, a named code is checked even when the precheck would skip the phonemizer, so
     *                      a wrong code never passes silently
     * @param detectionSeed fixes the detector's random choices for {@code auto} (the reference leaves them to the
     *                      OS, so short texts may come out in different languages from run to run)
     * @throws IllegalArgumentException for empty text, text {@link TextLimits} refuses, a language no phonemizer
     *                                  supports, text with nothing to detect a language from, or a detected language
     *                                  no phonemizer supports when it has to be phonemized
     */
    public EncodedText encode(String text, String language, long detectionSeed) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(language, "language");
        if (text.isBlank()) {
            throw new IllegalArgumentException("the text is empty: give the words to speak");
        }
        TextLimits.requireSpeakable(text);
        boolean auto = language.equals(AUTO);
        // the reference's order: detect, then the precheck, then the phonemizer
        String detected = auto ? detector.get().detect(text, detectionSeed) : null;
        Phonemizer phonemizer = auto ? null : phonemizerFor.apply(language);
        int[] raw = tokenizer.encode(text);
        if (!contains(raw, tokenizer.unknownId())) {
            return new EncodedText(text, true, text, raw, detected);
        }
        if (auto) {
            phonemizer = detectedPhonemizer(text, detected);
        }
        String phonemes = phonemizer.phonemize(text, auto ? detected : language);
        return new EncodedText(text, false, phonemes, tokenizer.encode(phonemes), detected);
    }

    /** The detector's language for one sentence, as {@link #encode} with {@code auto} detects it. */
    public String detect(String text, long detectionSeed) {
        Objects.requireNonNull(text, "text");
        return detector.get().detect(text, detectionSeed);
    }

    /** The phonemizer for a detected language; the reference crashes where none has it, valle says why. */
    private Phonemizer detectedPhonemizer(String text, String detected) {
        try {
            return phonemizerFor.apply(detected);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("language detection took \"" + text + "\" for '" + detected
                    + "', which the phonemizer cannot read (" + e.getMessage() + "); the reference fails here too:"
                    + " pass the language instead of auto", e);
        }
    }

    private static boolean contains(int[] ids, int id) {
        for (int x : ids) {
            if (x == id) {
                return true;
            }
        }
        return false;
    }
}

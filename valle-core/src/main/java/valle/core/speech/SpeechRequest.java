package valle.core.speech;

import java.util.Objects;
import valle.api.Stable;
import valle.core.speech.InferenceSettings;

/**
 * What to say, in which voice and how.
 *
 * <pre>{@code
 * SpeechRequest r = SpeechRequest.of("Hello, world. How are you?", voice)
 *         .withLanguage("en")
 *         .withSettings(InferenceSettings.fromKwargs(Map.of("ar_temperature", 0.0, "seed", 7)));
 * }</pre>
 *
 * @param text     plain text (split into sentences as the reference splits it, or into lines for
 *                 {@link Input#TEXT_LINES}), or phoneme lines when {@code input} is {@link Input#PHONEMES}
 * @param input    how {@code text} is to be read
 * @param language the language the text is in, which phonemizes it: {@code en}, {@code ja}, {@code de},
 *                 {@code fr}, {@code zh}, {@code ko}, or {@code auto} (detected per sentence); the reference's
 *                 {@code text_language}, the web UI's "Language (Text)"
 * @param voice    the voice to clone, or {@link Voice#NONE}
 * @param settings sampling and length settings, the seed included
 * @param outputLanguage the language to speak in, whose token the model is given: one of {@code language}'s codes
 *                 ({@code auto} gives token 0, as the reference's), or {@code null} for {@code language} itself; the
 *                 reference's {@code language}, the web UI's "Language (Output)" (accent: the phonemes stay those of
 *                 {@code language}); blank counts as {@code null}
 */
@Stable(since = "0.1")
public record SpeechRequest(String text, Input input, String language, Voice voice, InferenceSettings settings,
                            String outputLanguage) {

    /** How the text of a request is read. */
    public enum Input {
        /** Plain text: split into sentences, each phonemized (or used as is when it already tokenizes). */
        TEXT,
        /** Phonemes as espeak-ng writes them, one utterance per line. */
        PHONEMES,
        /**
         * Plain text, one utterance per line instead of per sentence (the reference's {@code split_text_by="\n"},
         * the web UI's "lines" text delimiter); each line is phonemized as a sentence of {@link #TEXT} is.
         */
        TEXT_LINES
    }

    public SpeechRequest {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(voice, "voice (use Voice.NONE for no prompt)");
        Objects.requireNonNull(settings, "settings");
        if (outputLanguage != null && outputLanguage.isBlank()) {
            // an empty form field or JSON string names no language: the text's own
            outputLanguage = null;
        }
    }

    /** A request spoken in the language its text is in ({@code outputLanguage} {@code null}). */
    public SpeechRequest(String text, Input input, String language, Voice voice, InferenceSettings settings) {
        this(text, input, language, voice, settings, null);
    }

    /** Plain English text in {@code voice}, with the web UI's settings ({@link InferenceSettings#webUiDefaults()}). */
    public static SpeechRequest of(String text, Voice voice) {
        return new SpeechRequest(text, Input.TEXT, "en", voice, InferenceSettings.webUiDefaults());
    }

    /** Phoneme lines (e.g. {@code "həlˈoʊ wˈɜːld."}) in {@code voice}, with the web UI's settings. */
    public static SpeechRequest ofPhonemes(String phonemes, Voice voice) {
        return new SpeechRequest(phonemes, Input.PHONEMES, "en", voice, InferenceSettings.webUiDefaults());
    }

    /** The language the text is in; the output language follows it unless {@link #withOutputLanguage} set one. */
    public SpeechRequest withLanguage(String language) {
        return new SpeechRequest(text, input, language, voice, settings, outputLanguage);
    }

    /**
     * The language to speak in (the token the model is given), or {@code null} for the text's language: e.g.
     * English text said with the German token, as the reference's {@code language="de", text_language="en"}.
     */
    public SpeechRequest withOutputLanguage(String outputLanguage) {
        return new SpeechRequest(text, input, language, voice, settings, outputLanguage);
    }

    public SpeechRequest withSettings(InferenceSettings settings) {
        return new SpeechRequest(text, input, language, voice, settings, outputLanguage);
    }

    public SpeechRequest withVoice(Voice voice) {
        return new SpeechRequest(text, input, language, voice, settings, outputLanguage);
    }

    /** The language whose token the model is given: {@code outputLanguage}, or {@code language} when it is null. */
    public String spokenLanguage() {
        return outputLanguage != null ? outputLanguage : language;
    }
}

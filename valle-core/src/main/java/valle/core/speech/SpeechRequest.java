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
 * @param language {@code en}, {@code ja}, {@code de}, {@code fr}, {@code zh}, {@code ko}
 * @param voice    the voice to clone, or {@link Voice#NONE}
 * @param settings sampling and length settings, the seed included
 */
@Stable(since = "0.1")
public record SpeechRequest(String text, Input input, String language, Voice voice, InferenceSettings settings) {

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
    }

    /** Plain English text in {@code voice}, with the web UI's settings ({@link InferenceSettings#webUiDefaults()}). */
    public static SpeechRequest of(String text, Voice voice) {
        return new SpeechRequest(text, Input.TEXT, "en", voice, InferenceSettings.webUiDefaults());
    }

    /** Phoneme lines (e.g. {@code "həlˈoʊ wˈɜːld."}) in {@code voice}, with the web UI's settings. */
    public static SpeechRequest ofPhonemes(String phonemes, Voice voice) {
        return new SpeechRequest(phonemes, Input.PHONEMES, "en", voice, InferenceSettings.webUiDefaults());
    }

    public SpeechRequest withLanguage(String language) {
        return new SpeechRequest(text, input, language, voice, settings);
    }

    public SpeechRequest withSettings(InferenceSettings settings) {
        return new SpeechRequest(text, input, language, voice, settings);
    }

    public SpeechRequest withVoice(Voice voice) {
        return new SpeechRequest(text, input, language, voice, settings);
    }
}

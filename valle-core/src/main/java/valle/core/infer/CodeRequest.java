package valle.core.infer;

import java.util.Objects;
import valle.api.codec.Codes;
import valle.core.speech.InferenceSettings;

/**
 * One utterance to generate codes for: phoneme token ids (with {@code <bos>}/{@code <eos>}), a language id,
 * the prompt codes {@code [Tp, 8]} ({@code null} for no prompt) and the settings.
 */
public record CodeRequest(int[] text, int lang, Codes prompt, InferenceSettings settings) {
    public CodeRequest {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(settings, "settings");
        if (text.length < 2) {
            throw new IllegalArgumentException("text ids must hold at least <bos> and <eos>");
        }
    }
}

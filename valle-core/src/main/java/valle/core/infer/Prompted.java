package valle.core.infer;

import java.util.Objects;
import valle.api.codec.Codes;

/**
 * What every pass of one utterance is conditioned on: phoneme ids (with {@code <bos>}/{@code <eos>}), the
 * language id, and the prompt codes {@code [Tp, levels]} ({@code null} for no prompt).
 */
public record Prompted(int[] text, int lang, Codes prompt) {
    public Prompted {
        Objects.requireNonNull(text, "text");
    }
}

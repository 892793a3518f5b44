package valle.core.infer;

import java.util.Objects;

/**
 * Rolling context (§6.8): what earlier lines of the same request leave for the next one, the phoneme ids of
 * the last {@code context_history} lines (each with its {@code <bos>}/{@code <eos>}) and their level-0 codes,
 * concatenated. The AR and NAR-len passes prepend them; the duration and NAR level passes do not see them.
 */
public record ContextPrefix(int[] text, int[] level0) {
    public ContextPrefix {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(level0, "level0");
    }

    /** The reference's text merge {@code prefix[:-1] + text[1:]}: the prefix's last {@code <eos>} and the line's {@code <bos>} go. */
    int[] mergeText(int[] line) {
        int[] out = new int[text.length - 1 + line.length - 1];
        System.arraycopy(text, 0, out, 0, text.length - 1);
        System.arraycopy(line, 1, out, text.length - 1, line.length - 1);
        return out;
    }
}

package valle.api.codec;

import java.util.Objects;
import valle.api.Stable;

/**
 * Residual-vector-quantised audio codes {@code [frames, levels]}, frame-major: the code of level {@code l} at
 * frame {@code t} is {@code data[t * levels + l]}.
 */
@Stable(since = "0.1")
public record Codes(int frames, int levels, int[] data) {

    public Codes {
        Objects.requireNonNull(data, "data");
        if (frames < 0 || levels < 1) {
            throw new IllegalArgumentException("bad code sizes: frames=" + frames + " levels=" + levels);
        }
        if (data.length != frames * levels) {
            throw new IllegalArgumentException(data.length + " codes for " + frames + " frames x " + levels + " levels");
        }
    }

    public int get(int frame, int level) {
        return data[frame * levels + level];
    }

    /** The codes of one level, one per frame. */
    public int[] level(int level) {
        Objects.checkIndex(level, levels);
        int[] out = new int[frames];
        for (int t = 0; t < frames; t++) {
            out[t] = data[t * levels + level];
        }
        return out;
    }
}

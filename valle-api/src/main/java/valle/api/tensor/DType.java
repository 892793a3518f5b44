package valle.api.tensor;

import valle.api.Stable;

/** Element types a weight file may store. Computation is float32; other types are widened when read. */
@Stable(since = "0.1")
public enum DType {
    F32(4),
    F16(2),
    BF16(2);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes one element takes in a file. */
    public int byteSize() {
        return byteSize;
    }
}

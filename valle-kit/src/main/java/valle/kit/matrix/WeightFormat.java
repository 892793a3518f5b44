package valle.kit.matrix;

import java.util.Arrays;
import java.util.Locale;
import valle.api.Stable;

/**
 * How a packed weight matrix stores its elements. {@link #F32}, {@link #BF16} and {@link #F16} are the file
 * dtypes kept as they are (the two 16-bit ones widened inside the kernels); {@link #INT8} is a quantisation
 * made at load with one scale per output row ({@code max |w| / 127}), which changes the numerics.
 */
@Stable(since = "0.1")
public enum WeightFormat {
    /** IEEE single precision, as read. */
    F32(4),
    /** bfloat16 patterns, widened in the kernels. */
    BF16(2),
    /** IEEE half patterns, widened in the kernels (finite values only). */
    F16(2),
    /** Signed bytes with one scale per output row, quantised at load. */
    INT8(1);

    private final int bytes;

    WeightFormat(int bytes) {
        this.bytes = bytes;
    }

    /** Bytes one stored weight takes (int8's per-row scales not counted). */
    public int bytes() {
        return bytes;
    }

    /** Parses {@code f32|bf16|f16|int8} (any case). */
    public static WeightFormat parse(String name) {
        for (WeightFormat f : values()) {
            if (f.name().equalsIgnoreCase(name.trim())) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown weight format '" + name + "': use one of "
                + Arrays.stream(values()).map(f -> f.name().toLowerCase(Locale.ROOT)).toList());
    }
}

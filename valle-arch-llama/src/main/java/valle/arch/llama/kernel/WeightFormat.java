package valle.arch.llama.kernel;

import java.util.Arrays;
import java.util.Locale;

/**
 * How a packed weight matrix stores its elements. {@link #F32}, {@link #BF16} and {@link #F16} are the file
 * dtypes kept as they are (the two 16-bit ones widened inside the kernels); {@link #INT8} is a quantisation
 * made at load with one scale per output row ({@code max |w| / 127}), which changes the numerics.
 */
public enum WeightFormat {
    F32(4),
    BF16(2),
    F16(2),
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

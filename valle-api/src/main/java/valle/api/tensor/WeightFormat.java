package valle.api.tensor;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import valle.api.Stable;

/**
 * How a backbone stores the weights of its linear layers once loaded. {@link #F32}, {@link #BF16} and
 * {@link #F16} keep exact values of those dtypes (a file's f32 tensors narrowed to a 16-bit format round once);
 * {@link #INT8} and {@link #INT4} are quantisations made at load, which change the numerics: the error they bring
 * is reported by {@code ./valle conformance --weight-dtype ...}. A format is a property of a loaded weight, asked
 * for through {@link Weights#requestedFormat()}, not of a backbone.
 */
@Stable(since = "0.1")
public enum WeightFormat {
    /** IEEE single precision. */
    F32(32),
    /** bfloat16 patterns, widened in the kernels. */
    BF16(16),
    /** IEEE half patterns, widened in the kernels (finite values only). */
    F16(16),
    /** Signed bytes, symmetric, with one float scale per block of weights along the input, quantised at load. */
    INT8(8),
    /** Unsigned 4-bit codes with one float scale and one zero point per block along the input, quantised at load. */
    INT4(4);

    /** The name that asks for each tensor's file dtype (no conversion) where a format can be named. */
    public static final String FILE = "file";

    private final int bits;

    WeightFormat(int bits) {
        this.bits = bits;
    }

    /** Bits one stored weight takes (block scales and zero points not counted). */
    public int bits() {
        return bits;
    }

    /** The name users write: {@code f32}, {@code bf16}, {@code f16}, {@code int8}, {@code int4}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code f32|bf16|f16|int8|int4} (any case). */
    public static WeightFormat parse(String name) {
        for (WeightFormat f : values()) {
            if (f.name().equalsIgnoreCase(name.trim())) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown weight format '" + name + "': use one of "
                + Arrays.stream(values()).map(WeightFormat::label).toList() + " or '" + FILE + "'");
    }

    /**
     * Parses a user's choice: {@code file} (or null, blank) keeps each tensor's file dtype and gives empty;
     * otherwise as {@link #parse}.
     */
    public static Optional<WeightFormat> parseChoice(String name) {
        if (name == null || name.isBlank() || name.trim().equalsIgnoreCase(FILE)) {
            return Optional.empty();
        }
        return Optional.of(parse(name));
    }
}

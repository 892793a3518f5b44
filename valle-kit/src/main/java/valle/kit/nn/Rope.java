package valle.kit.nn;

import valle.api.Stable;
import valle.api.plugin.Availability;

/**
 * Rotary position embedding in HF Llama's rotate-half layout: a head vector's halves {@code x1 = x[0:d/2]} and
 * {@code x2 = x[d/2:d]} turn by the same angle {@code pos · theta^(-2i/d)} for element {@code i} and
 * {@code i + d/2}. The inverse frequencies and the angles are float32 as in HF; cos and sin are taken in double
 * and rounded, so the Java backbones and those that take the tables as inputs (ONNX Runtime, PyTorch) rotate by
 * the same float32 values.
 */
@Stable(since = "0.1")
public final class Rope {
    private final float[] inverseFrequencies;
    private final int half;

    /**
     * The rotation of heads {@code headDim} wide with base {@code theta}.
     *
     * @throws IllegalArgumentException when the head width is not even (see {@link #supports})
     */
    public Rope(int headDim, float theta) {
        Availability a = supports(headDim);
        if (!a.ok()) {
            throw new IllegalArgumentException(a.reason());
        }
        this.half = headDim / 2;
        this.inverseFrequencies = new float[half];
        for (int i = 0; i < half; i++) {
            inverseFrequencies[i] = (float) (1.0 / Math.pow(theta, (float) (2 * i) / headDim));
        }
    }

    /** Whether heads {@code headDim} wide can be rotated: the width must be even (and at least 2). */
    public static Availability supports(int headDim) {
        return headDim >= 2 && headDim % 2 == 0 ? Availability.yes()
                : Availability.no("rotary embeddings need an even head width, got " + headDim, "");
    }

    /** The number of rotated pairs of a head, {@code headDim / 2}: the width of a row of {@link #tables}. */
    public int half() {
        return half;
    }

    /** The cos and sin of each position's angles, {@code [positions, half()]} row-major each. */
    public record Tables(float[] cos, float[] sin) {
    }

    /** The rotation of each of {@code positions}, for backbones that take the tables as inputs. */
    public Tables tables(int[] positions) {
        float[] cos = new float[positions.length * half];
        float[] sin = new float[positions.length * half];
        for (int r = 0; r < positions.length; r++) {
            angles(positions[r], cos, sin, r * half);
        }
        return new Tables(cos, sin);
    }

    /** Rotates every head of every row of {@code x [rows, heads, headDim]} (from {@code offset}) in place. */
    public void apply(float[] x, int offset, int rows, int heads, int[] positions) {
        int d = 2 * half;
        float[] cos = new float[half];
        float[] sin = new float[half];
        for (int r = 0; r < rows; r++) {
            angles(positions[r], cos, sin, 0);
            for (int h = 0; h < heads; h++) {
                int off = offset + (r * heads + h) * d;
                for (int i = 0; i < half; i++) {
                    float x1 = x[off + i];
                    float x2 = x[off + half + i];
                    x[off + i] = x1 * cos[i] - x2 * sin[i];
                    x[off + half + i] = x2 * cos[i] + x1 * sin[i];
                }
            }
        }
    }

    /** The cos and sin of {@code position}'s angles into {@code half} entries from {@code at}. */
    private void angles(int position, float[] cos, float[] sin, int at) {
        for (int i = 0; i < half; i++) {
            float angle = position * inverseFrequencies[i];
            cos[at + i] = (float) Math.cos(angle);
            sin[at + i] = (float) Math.sin(angle);
        }
    }
}

package valle.kit.nn;

import valle.api.Stable;

/**
 * RMSNorm per row, {@code w · x / sqrt(mean(x²) + eps)} in float32 as HF and torchscale compute it: the squares
 * summed one after another in float32, {@code 1 / sqrt(sum / width + eps)} taken in double and rounded, then
 * {@code w · (x · inv)}. Every backbone's norm is this one, so they round alike.
 */
@Stable(since = "0.1")
public final class RmsNorm {
    private RmsNorm() {
    }

    /**
     * Normalises {@code rows} rows of {@code x [rows, width]} into {@code out} (which may be {@code x});
     * {@code weight} may be null for a norm without one (RetNet's group norm).
     */
    public static void apply(float[] x, float[] weight, int rows, int width, float eps, float[] out) {
        addAndApply(x, null, weight, rows, width, eps, out);
    }

    /**
     * The residual add that precedes a norm in a pre-norm stack fused with it: {@code x += delta} first (when
     * {@code delta} is not null), then {@code out = norm(x)}, so the stream is read once for both.
     */
    public static void addAndApply(float[] x, float[] delta, float[] weight, int rows, int width, float eps,
                                   float[] out) {
        for (int r = 0; r < rows; r++) {
            int off = r * width;
            float sum = 0f;
            if (delta != null) {
                for (int c = 0; c < width; c++) {
                    float v = x[off + c] + delta[off + c];
                    x[off + c] = v;
                    sum += v * v;
                }
            } else {
                for (int c = 0; c < width; c++) {
                    sum += x[off + c] * x[off + c];
                }
            }
            float inv = (float) (1.0 / Math.sqrt(sum / width + eps));
            for (int c = 0; c < width; c++) {
                float y = x[off + c] * inv;
                out[off + c] = weight == null ? y : weight[c] * y;
            }
        }
    }
}

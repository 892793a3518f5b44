package valle.codec.nn;

/**
 * Layer normalisation over the last axis of frame-major rows {@code [rows, dim]}: {@code (x - mean) / sqrt(var + eps)}
 * with the biased variance, then an optional per-channel {@code weight} and {@code bias}. The mean and variance
 * are summed in double: statistics of a few hundred values, whose rounding would otherwise depend on the
 * summation order PyTorch happens to use.
 */
public final class LayerNorm {
    private final int dim;
    private final float eps;
    private final float[] weight;
    private final float[] bias;

    /** @param weight {@code [dim]} or null (no affine); {@code bias} likewise */
    public LayerNorm(int dim, float eps, float[] weight, float[] bias) {
        if (weight != null && weight.length != dim || bias != null && bias.length != dim) {
            throw new IllegalArgumentException("layer norm of " + dim + " channels");
        }
        this.dim = dim;
        this.eps = eps;
        this.weight = weight;
        this.bias = bias;
    }

    /** A new array of the normalised rows. */
    public float[] apply(float[] x, int rows) {
        float[] y = new float[rows * dim];
        normalize(x, y, rows, dim, eps);
        if (weight != null || bias != null) {
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < dim; c++) {
                    float v = y[r * dim + c];
                    y[r * dim + c] = (weight == null ? v : v * weight[c]) + (bias == null ? 0f : bias[c]);
                }
            }
        }
        return y;
    }

    /** Normalises each row of {@code x} into {@code y}, without affine parameters. */
    public static void normalize(float[] x, float[] y, int rows, int dim, float eps) {
        for (int r = 0; r < rows; r++) {
            int o = r * dim;
            double sum = 0;
            for (int c = 0; c < dim; c++) {
                sum += x[o + c];
            }
            float mean = (float) (sum / dim);
            double sq = 0;
            for (int c = 0; c < dim; c++) {
                double d = x[o + c] - mean;
                sq += d * d;
            }
            float inv = (float) (1.0 / Math.sqrt((float) (sq / dim) + eps));
            for (int c = 0; c < dim; c++) {
                y[o + c] = (x[o + c] - mean) * inv;
            }
        }
    }
}

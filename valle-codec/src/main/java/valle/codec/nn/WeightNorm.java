package valle.codec.nn;

/**
 * Folds {@code torch.nn.utils.weight_norm} (dim 0, no epsilon) into a plain weight once, at load time:
 * {@code w = g · v / ‖v‖} with the norm over every axis but the first. For a Conv1d ({@code v [out, in, k]})
 * that is one norm per output channel; for a ConvTranspose1d ({@code v [in, out, k]}) one per input channel,
 * the same code because the first axis is the one kept. Sums in double, stores float32, as the spec asks.
 */
public final class WeightNorm {
    private WeightNorm() {
    }

    /**
     * @param g one gain per slice of the first axis
     * @param v the direction, {@code g.length} slices of equal size
     */
    public static float[] fold(float[] g, float[] v) {
        if (g.length == 0 || v.length % g.length != 0) {
            throw new IllegalArgumentException(v.length + " weights do not split into " + g.length + " slices");
        }
        int slice = v.length / g.length;
        float[] w = new float[v.length];
        for (int s = 0; s < g.length; s++) {
            double sq = 0;
            for (int i = 0; i < slice; i++) {
                double x = v[s * slice + i];
                sq += x * x;
            }
            double scale = g[s] / Math.sqrt(sq);
            for (int i = 0; i < slice; i++) {
                w[s * slice + i] = (float) (v[s * slice + i] * scale);
            }
        }
        return w;
    }
}

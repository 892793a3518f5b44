package valle.arch.retnet;

/**
 * torchscale's {@code theta_shift}: each head vector's interleaved pairs {@code (x_2i, x_2i+1)} turn by
 * {@code pos · angle}, {@code x → x·cos + rotate_every_two(x)·sin} with {@code rotate_every_two(x) = (-x_2i+1, x_2i)}.
 * The angles are the checkpoint's {@code retnet_rel_pos.angle} buffer {@code [dk]} (each frequency twice), not
 * the formula: the reference computes with the float16-rounded values its export stores. {@code pos} is the
 * absolute row index; products are float32 as in torch, cos and sin taken in double and rounded.
 */
final class ThetaShift {
    private final float[] angle;
    private final int dk;

    ThetaShift(float[] angle) {
        this.angle = angle.clone();
        this.dk = angle.length;
    }

    /** Rotates every head of {@code x [rows, heads, dk]} in place; row r sits at position {@code first + r}. */
    void apply(float[] x, int rows, int heads, int first) {
        float[] cos = new float[dk];
        float[] sin = new float[dk];
        for (int r = 0; r < rows; r++) {
            float pos = first + r;
            for (int i = 0; i < dk; i++) {
                float phase = pos * angle[i];
                cos[i] = (float) Math.cos(phase);
                sin[i] = (float) Math.sin(phase);
            }
            for (int h = 0; h < heads; h++) {
                int off = (r * heads + h) * dk;
                for (int i = 0; i < dk; i += 2) {
                    float even = x[off + i];
                    float odd = x[off + i + 1];
                    x[off + i] = even * cos[i] - odd * sin[i];
                    x[off + i + 1] = odd * cos[i + 1] + even * sin[i + 1];
                }
            }
        }
    }
}

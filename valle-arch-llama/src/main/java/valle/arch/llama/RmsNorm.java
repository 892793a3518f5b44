package valle.arch.llama;

/**
 * RMSNorm per row, {@code w · x / sqrt(mean(x²) + eps)} in float32 as HF computes it, fused with the residual
 * add that precedes it in the stack ({@code x += delta} first, when {@code delta} is given), so the stream is
 * read once for both.
 */
final class RmsNorm {
    private RmsNorm() {
    }

    static void apply(float[] x, float[] delta, float[] weight, int rows, int d, float eps, float[] out) {
        for (int r = 0; r < rows; r++) {
            int off = r * d;
            float sum = 0f;
            if (delta != null) {
                for (int c = 0; c < d; c++) {
                    float v = x[off + c] + delta[off + c];
                    x[off + c] = v;
                    sum += v * v;
                }
            } else {
                for (int c = 0; c < d; c++) {
                    sum += x[off + c] * x[off + c];
                }
            }
            float inv = (float) (1.0 / Math.sqrt(sum / d + eps));
            for (int c = 0; c < d; c++) {
                out[off + c] = weight[c] * (x[off + c] * inv);
            }
        }
    }
}

package valle.arch.mixtral;

/**
 * Rotary position embedding in HF's rotate-half layout: a head's halves {@code x[0:d/2]} and {@code x[d/2:d]}
 * turn by the angle {@code pos · theta^(-2i/d)} for elements {@code i} and {@code i + d/2}. Mixtral's theta is
 * 1e6 (its config default, which the reference never overrides). Frequencies and angles are float32 as in HF.
 */
final class Rope {
    private final float[] inverseFrequency;
    private final int half;

    Rope(int headDim, float theta) {
        this.half = headDim / 2;
        this.inverseFrequency = new float[half];
        for (int i = 0; i < half; i++) {
            inverseFrequency[i] = (float) (1.0 / Math.pow(theta, (float) (2 * i) / headDim));
        }
    }

    /** Rotates every head of every row of {@code x [rows, heads, headDim]} in place. */
    void apply(float[] x, int rows, int heads, int[] positions) {
        int d = 2 * half;
        float[] cos = new float[half];
        float[] sin = new float[half];
        for (int r = 0; r < rows; r++) {
            for (int i = 0; i < half; i++) {
                float angle = positions[r] * inverseFrequency[i];
                cos[i] = (float) Math.cos(angle);
                sin[i] = (float) Math.sin(angle);
            }
            for (int h = 0; h < heads; h++) {
                int off = (r * heads + h) * d;
                for (int i = 0; i < half; i++) {
                    float x1 = x[off + i];
                    float x2 = x[off + half + i];
                    x[off + i] = x1 * cos[i] - x2 * sin[i];
                    x[off + half + i] = x2 * cos[i] + x1 * sin[i];
                }
            }
        }
    }
}

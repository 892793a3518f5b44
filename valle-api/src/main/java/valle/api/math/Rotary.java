package valle.api.math;

import valle.api.Experimental;

/**
 * Rotary position embedding angles as HF's Llama computes them, for backbones that run elsewhere than in
 * Java (ONNX Runtime, PyTorch) and take the tables as inputs: the inverse frequencies
 * {@code theta^(-2i/d)} in float32, the angle {@code position · frequency} in float32, then cos and sin
 * taken in double and rounded, so every backend rotates by the same float32 values.
 */
@Experimental("added for the native backends; the pure-Java llama keeps its own copy")
public final class Rotary {
    private Rotary() {
    }

    /** The {@code headDim / 2} inverse frequencies of a head of {@code headDim} with base {@code theta}. */
    public static float[] inverseFrequencies(int headDim, float theta) {
        if (headDim < 2 || headDim % 2 != 0) {
            throw new IllegalArgumentException("rotary embeddings need an even head width, got " + headDim);
        }
        int half = headDim / 2;
        float[] out = new float[half];
        for (int i = 0; i < half; i++) {
            out[i] = (float) (1.0 / Math.pow(theta, (float) (2 * i) / headDim));
        }
        return out;
    }

    /**
     * Fills {@code cos} and {@code sin} ({@code [positions.length, inverseFrequencies.length]}, row-major)
     * with the rotation of each position.
     */
    public static void tables(int[] positions, float[] inverseFrequencies, float[] cos, float[] sin) {
        int half = inverseFrequencies.length;
        for (int r = 0; r < positions.length; r++) {
            for (int i = 0; i < half; i++) {
                float angle = positions[r] * inverseFrequencies[i];
                cos[r * half + i] = (float) Math.cos(angle);
                sin[r * half + i] = (float) Math.sin(angle);
            }
        }
    }
}

package valle.core.sample;

import java.util.Arrays;

/**
 * Row helpers the sampler stages share: softmax, a stable descending order, and the Python value of a setting.
 * A row is {@code logits[offset .. offset+n)}.
 */
final class RowMath {
    private RowMath() {
    }

    /** The largest value of the row ({@code -inf} for a row of {@code -inf}; a NaN wins, as in {@code torch.max}). */
    static float max(float[] logits, int offset, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits[offset + i]);
        }
        return max;
    }

    /**
     * {@code softmax} of the row into {@code out[0 .. n)}, max-subtracted, in double (within an ulp of torch's
     * float32 softmax once rounded to float); {@code -inf} entries get 0.
     */
    static void softmax(float[] logits, int offset, int n, double[] out) {
        double max = max(logits, offset, n);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            out[i] = Math.exp(logits[offset + i] - max);
            sum += out[i];
        }
        for (int i = 0; i < n; i++) {
            out[i] /= sum;
        }
    }

    /**
     * The row's indices (relative to {@code offset}) by descending value; equal values keep index order
     * ({@code torch.sort}/{@code argsort} leave that order unspecified), {@code -0.0} ties with {@code 0.0}.
     */
    static int[] descending(float[] logits, int offset, int n) {
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            int bits = Float.floatToIntBits(logits[offset + i] + 0f); // -0 -> +0
            int ordered = bits ^ ((bits >> 31) & 0x7fffffff); // signed-int order = float order
            keys[i] = ((long) ~ordered << 32) | i; // ~ reverses the order without overflow
        }
        Arrays.sort(keys);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = (int) keys[i];
        }
        return order;
    }

    /**
     * The double a Python caller meant by a float setting: the shortest decimal that reads back as {@code f}
     * ({@code 1.1f} -> {@code 1.1}, not {@code 1.100000023841858}). The reference computes its scalar
     * arithmetic (penalty divisors, the dynamic temperature) in Python doubles from such decimals.
     */
    static double py(float f) {
        return Double.parseDouble(Float.toString(f));
    }
}

package valle.attention;

/**
 * The partial softmax of one query row over one chunk of keys (Rabe and Staats 2021): the chunk's maximum
 * score {@code m}, its denominator {@code l = Σ exp(s - m)} and its unnormalised output
 * {@code a = Σ exp(s - m)·v}. Partials merge associatively, in any order; an empty chunk has
 * {@code m = -inf, l = 0, a = 0} and is skipped by the merge.
 */
final class Partial {
    float max = Float.NEGATIVE_INFINITY;
    float sum;
    final float[] acc;

    Partial(int valueDim) {
        this.acc = new float[valueDim];
    }

    /**
     * Writes the merge of {@code parts} to {@code out[outOff ..]} and returns the log-sum-exp; a row with no
     * visible key gets zeros and {@code -inf}.
     */
    static float merge(Partial[] parts, float[] out, int outOff) {
        float m = Float.NEGATIVE_INFINITY;
        for (Partial part : parts) {
            m = Math.max(m, part.max);
        }
        int dv = parts[0].acc.length;
        if (m == Float.NEGATIVE_INFINITY) {
            java.util.Arrays.fill(out, outOff, outOff + dv, 0f);
            return Float.NEGATIVE_INFINITY;
        }
        double den = 0;
        double[] num = new double[dv];
        for (Partial part : parts) {
            if (part.max == Float.NEGATIVE_INFINITY) {
                continue;
            }
            double w = Math.exp(part.max - m);
            den += w * part.sum;
            for (int c = 0; c < dv; c++) {
                num[c] += w * part.acc[c];
            }
        }
        for (int c = 0; c < dv; c++) {
            out[outOff + c] = (float) (num[c] / den);
        }
        return (float) (m + Math.log(den));
    }
}

package valle.attention;

import java.util.Arrays;
import valle.api.attention.AttentionProblem;

/**
 * The online softmax of one head's query tile, as both forms of {@link FlashKernel} keep it: per row the keys it
 * may see ({@code [from, to)}), its running maximum and denominator and its unnormalised output, and the union
 * {@code [lo, hi)} of the rows' visible keys (empty when {@code lo >= hi}).
 */
final class OnlineSoftmax {
    final int i0;
    final int rows;
    final int[] from;
    final int[] to;
    final int lo;
    final int hi;
    final float[] max;
    final float[] sum;
    final float[] acc;
    private final int dv;

    /** The tile of query rows {@code [i0, i1)} of {@code p}. */
    OnlineSoftmax(AttentionProblem p, int i0, int i1) {
        this.i0 = i0;
        this.rows = i1 - i0;
        this.dv = p.valueDim();
        this.from = new int[rows];
        this.to = new int[rows];
        this.max = new float[rows];
        this.sum = new float[rows];
        this.acc = new float[rows * dv];
        Arrays.fill(max, Float.NEGATIVE_INFINITY);
        int low = Integer.MAX_VALUE;
        int high = 0;
        for (int r = 0; r < rows; r++) {
            from[r] = p.mask().visibleFrom(i0 + r, p.keys());
            to[r] = p.mask().visibleTo(i0 + r, p.keys());
            if (from[r] < to[r]) {
                low = Math.min(low, from[r]);
                high = Math.max(high, to[r]);
            }
        }
        this.lo = low;
        this.hi = high;
    }

    /** Each row's output (its accumulator over its denominator; zeros with no visible key) and log-sum-exp. */
    void finish(AttentionProblem p, int h, float[] out, float[] logSumExp) {
        for (int r = 0; r < rows; r++) {
            int oOff = ((i0 + r) * p.heads() + h) * dv;
            float inv = sum[r] == 0f ? 0f : 1f / sum[r];
            for (int c = 0; c < dv; c++) {
                out[oOff + c] = acc[r * dv + c] * inv;
            }
            if (logSumExp != null) {
                logSumExp[(i0 + r) * p.heads() + h] = sum[r] == 0f
                        ? Float.NEGATIVE_INFINITY : max[r] + (float) Math.log(sum[r]);
            }
        }
    }
}

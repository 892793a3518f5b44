package valle.attention;

import valle.api.attention.AttentionKernel;
import valle.api.attention.AttentionMask;
import valle.api.attention.AttentionProblem;
import valle.kit.plugin.DescribedPlugin;

/**
 * Plain scaled-dot-product attention, one query row at a time: scores over the visible keys, max-subtracted
 * softmax, weighted sum of values. The reference every faster kernel is tested against
 * ({@code docs/spec/archs.md} §7.2). Memory is O(keys) per row.
 */
public final class SdpaKernel extends DescribedPlugin implements AttentionKernel {

    /** The plugin, as the service loader makes it. */
    public SdpaKernel() {
        super("sdpa", 10, "plain scaled-dot-product attention (the reference kernel; every mask, GQA, log-sum-exp)");
    }

    @Override
    public void attend(AttentionProblem p, float[] out, float[] logSumExp) {
        int d = p.headDim();
        int dv = p.valueDim();
        int group = p.heads() / p.kvHeads();
        float[] scores = new float[p.keys()];
        float[] acc = new float[dv];
        AttentionMask mask = p.mask();
        float[] bias = mask instanceof AttentionMask.Bias b ? b.values() : null;
        for (int i = 0; i < p.queries(); i++) {
            for (int h = 0; h < p.heads(); h++) {
                int kvh = h / group;
                int qOff = (i * p.heads() + h) * d;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < p.keys(); j++) {
                    if (!mask.visible(i, j, p.keys())) {
                        scores[j] = Float.NEGATIVE_INFINITY;
                        continue;
                    }
                    float s = dot(p.q(), qOff, p.k(), (j * p.kvHeads() + kvh) * d, d) * p.scale();
                    if (bias != null) {
                        s += bias[i * p.keys() + j];
                    }
                    scores[j] = s;
                    max = Math.max(max, s);
                }
                int oOff = (i * p.heads() + h) * dv;
                java.util.Arrays.fill(acc, 0f);
                if (max == Float.NEGATIVE_INFINITY) {
                    // every key is hidden: zero output and -inf log-sum-exp, the documented policy
                    System.arraycopy(acc, 0, out, oOff, dv);
                    if (logSumExp != null) {
                        logSumExp[i * p.heads() + h] = Float.NEGATIVE_INFINITY;
                    }
                    continue;
                }
                float sum = 0f;
                for (int j = 0; j < p.keys(); j++) {
                    if (scores[j] == Float.NEGATIVE_INFINITY) {
                        // skipped, not multiplied by 0: a hidden value may be NaN
                        continue;
                    }
                    float e = (float) Math.exp(scores[j] - max);
                    sum += e;
                    int vOff = (j * p.kvHeads() + kvh) * dv;
                    for (int c = 0; c < dv; c++) {
                        acc[c] += e * p.v()[vOff + c];
                    }
                }
                float inv = 1f / sum;
                for (int c = 0; c < dv; c++) {
                    out[oOff + c] = acc[c] * inv;
                }
                if (logSumExp != null) {
                    logSumExp[i * p.heads() + h] = max + (float) Math.log(sum);
                }
            }
        }
    }

    private static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        float s = 0f;
        for (int c = 0; c < n; c++) {
            s += a[aOff + c] * b[bOff + c];
        }
        return s;
    }
}

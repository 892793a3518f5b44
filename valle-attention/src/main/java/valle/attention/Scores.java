package valle.attention;

import valle.api.attention.AttentionMask;
import valle.api.attention.AttentionProblem;

/** The scaled score of one (query row, key) pair of one head, mask and bias applied. */
final class Scores {
    private Scores() {
    }

    /**
     * {@code scale · q_i·k_j + bias_ij}, or {@code -inf} when the key is hidden; a hidden key's vector is
     * never read.
     */
    static float score(AttentionProblem p, float[] bias, int i, int h, int j, int from, int to) {
        if (j < from || j >= to) {
            return Float.NEGATIVE_INFINITY;
        }
        float b = 0f;
        if (bias != null) {
            b = bias[i * p.keys() + j];
            if (b == Float.NEGATIVE_INFINITY) {
                return b;
            }
        }
        int d = p.headDim();
        int kvh = h / (p.heads() / p.kvHeads());
        int qOff = (i * p.heads() + h) * d;
        int kOff = (j * p.kvHeads() + kvh) * d;
        float[] q = p.q();
        float[] k = p.k();
        float s = 0f;
        for (int c = 0; c < d; c++) {
            s += q[qOff + c] * k[kOff + c];
        }
        return s * p.scale() + b;
    }

    static float[] bias(AttentionProblem p) {
        return p.mask() instanceof AttentionMask.Bias b ? b.values() : null;
    }

    /** {@code acc[accOff ..] += w · v_j} for head {@code h}'s value row. */
    static void addValue(AttentionProblem p, int h, int j, float w, float[] acc, int accOff) {
        int dv = p.valueDim();
        int kvh = h / (p.heads() / p.kvHeads());
        int vOff = (j * p.kvHeads() + kvh) * dv;
        float[] v = p.v();
        for (int c = 0; c < dv; c++) {
            acc[accOff + c] += w * v[vOff + c];
        }
    }
}

package valle.attention;

import valle.api.attention.AttentionMask;
import valle.api.attention.AttentionProblem;
import valle.kit.vector.FloatVectors;
import valle.kit.vector.VectorApi;

/**
 * The scaled score of one (query row, key) pair of one head, mask and bias applied. {@link #score} and
 * {@link #addValue} are the plain loops ({@code sdpa} and the scalar {@code flash} use them); {@code mem-efficient}
 * passes {@code vector = true} for the Vector API forms when the module is present (same arithmetic, another
 * summation order). The vector {@code flash} ({@link VectorFlash}) scores whole runs of keys instead.
 */
final class Scores {
    private static final boolean VECTOR = VectorApi.present();

    private Scores() {
    }

    /** Whether {@code vector = true} takes the Vector API forms here. */
    static boolean vectorized() {
        return VECTOR;
    }

    /**
     * {@code scale · q_i·k_j + bias_ij}, or {@code -inf} when the key is hidden; a hidden key's vector is
     * never read.
     */
    static float score(AttentionProblem p, float[] bias, int i, int h, int j, int from, int to) {
        return score(p, bias, i, h, j, from, to, false);
    }

    static float score(AttentionProblem p, float[] bias, int i, int h, int j, int from, int to, boolean vector) {
        float b = biasOrHidden(p, bias, i, j, from, to);
        if (b == Float.NEGATIVE_INFINITY) {
            return b;
        }
        int d = p.headDim();
        int kvh = h / (p.heads() / p.kvHeads());
        int qOff = (i * p.heads() + h) * d;
        int kOff = (j * p.kvHeads() + kvh) * d;
        float[] q = p.q();
        float[] k = p.k();
        if (vector && VECTOR) {
            return FloatVectors.dot(q, qOff, k, kOff, d) * p.scale() + b;
        }
        float s = 0f;
        for (int c = 0; c < d; c++) {
            s += q[qOff + c] * k[kOff + c];
        }
        return s * p.scale() + b;
    }

    /** {@code -inf} when key {@code j} is outside {@code [from, to)}, else its bias for row {@code i} (0 without one). */
    private static float biasOrHidden(AttentionProblem p, float[] bias, int i, int j, int from, int to) {
        if (j < from || j >= to) {
            return Float.NEGATIVE_INFINITY;
        }
        return bias == null ? 0f : bias[i * p.keys() + j];
    }

    static float[] bias(AttentionProblem p) {
        return p.mask() instanceof AttentionMask.Bias b ? b.values() : null;
    }

    /** {@code acc[accOff ..] += w · v_j} for head {@code h}'s value row. */
    static void addValue(AttentionProblem p, int h, int j, float w, float[] acc, int accOff) {
        addValue(p, h, j, w, acc, accOff, false);
    }

    static void addValue(AttentionProblem p, int h, int j, float w, float[] acc, int accOff, boolean vector) {
        int dv = p.valueDim();
        int kvh = h / (p.heads() / p.kvHeads());
        int vOff = (j * p.kvHeads() + kvh) * dv;
        float[] v = p.v();
        if (vector && VECTOR) {
            FloatVectors.axpy(w, v, vOff, acc, accOff, dv);
            return;
        }
        for (int c = 0; c < dv; c++) {
            acc[accOff + c] += w * v[vOff + c];
        }
    }
}

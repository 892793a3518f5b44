package valle.arch.retnet;

/**
 * The three equivalent cores of multi-scale retention ({@code spec/archs.md} §3.7, with torchscale's
 * normalisations), per head over rotated queries and keys {@code [T, H, dk]} and values {@code [T, H, dv]},
 * giving {@code [T, H, dv]} before the group norm. With {@code γ_h = exp(decay_h)}:
 * <ul>
 * <li>parallel: {@code A = (q·kᵀ) ⊙ D / sqrt(ΣD)}, {@code D_ij = γ^(i-j)} for {@code j ≤ i}, rows divided by
 * {@code clamp(Σ|A|, 1, 5e4)};</li>
 * <li>chunkwise (chunk C): the same within a chunk (without the upper clamp) plus a cross-chunk state carried
 * from chunk to chunk, each part divided by its own running scale;</li>
 * <li>recurrent: {@code S_t = S_{t-1}·sqrt(c_{t-1})·γ/sqrt(c_t) + v_t kᵀ_t/sqrt(c_t)}, {@code c_t = c_{t-1}γ + 1},
 * {@code o_t = S_t q_t}.</li>
 * </ul>
 * The forms agree up to the group norm's epsilon (≈1e-4 on a tiny model); the reference runs chunkwise with
 * C = 512, which for T ≤ 512 is the parallel form without its upper clamp.
 */
final class Retention {
    private static final double CLAMP_HIGH = 5e4;

    private final int heads;
    private final int dk;
    private final int dv;
    private final double[] decay;

    Retention(int heads, int dk, int dv, double[] decay) {
        this.heads = heads;
        this.dk = dk;
        this.dv = dv;
        this.decay = decay;
    }

    float[] parallel(float[] q, float[] k, float[] v, int rows) {
        float[] out = new float[rows * heads * dv];
        double[] a = new double[rows];
        for (int h = 0; h < heads; h++) {
            double g = decay[h];
            for (int i = 0; i < rows; i++) {
                double sigma = 0;
                for (int j = 0; j <= i; j++) {
                    sigma += Math.exp((i - j) * g);
                }
                sigma = Math.sqrt(sigma);
                double total = 0;
                for (int j = 0; j <= i; j++) {
                    a[j] = dot(q, k, i, j, h) * Math.exp((i - j) * g) / sigma;
                    total += Math.abs(a[j]);
                }
                double norm = Math.min(Math.max(total, 1.0), CLAMP_HIGH);
                accumulate(a, i + 1, 1.0 / norm, v, h, out, i, 0);
            }
        }
        return out;
    }

    /** Chunkwise over chunks of {@code chunk} rows; a short last chunk uses the first rows of the full chunk's constants. */
    float[] chunkwise(float[] q, float[] k, float[] v, int rows, int chunk) {
        float[] out = new float[rows * heads * dv];
        double[] a = new double[chunk];
        for (int h = 0; h < heads; h++) {
            double g = decay[h];
            double[] sigma = new double[chunk];
            for (int i = 0; i < chunk; i++) {
                double s = 0;
                for (int j = 0; j <= i; j++) {
                    s += Math.exp((i - j) * g);
                }
                sigma[i] = Math.sqrt(s);
            }
            double z = 0;
            for (int j = 0; j < chunk; j++) {
                z += Math.exp((chunk - 1 - j) * g);
            }
            double crossDecay = Math.exp(g * chunk);
            double[] state = new double[dk * dv];
            double kappa = 1;
            for (int c0 = 0; c0 < rows; c0 += chunk) {
                int n = Math.min(chunk, rows - c0);
                for (int i = 0; i < n; i++) {
                    double total = 0;
                    for (int j = 0; j <= i; j++) {
                        a[j] = dot(q, k, c0 + i, c0 + j, h) * Math.exp((i - j) * g) / sigma[i];
                        total += Math.abs(a[j]);
                    }
                    double iota = Math.max(total, 1.0);
                    double alpha = Math.max(iota, kappa);
                    // inner / (alpha / iota) with inner = (A / iota)·v  ==  (A / alpha)·v
                    accumulate(a, i + 1, 1.0 / alpha, v, h, out, c0 + i, c0);
                    double queryDecay = Math.exp(g * (i + 1)) / (sigma[i] / z);
                    double crossScale = queryDecay / kappa / (alpha / kappa);
                    int qOff = ((c0 + i) * heads + h) * dk;
                    int oOff = ((c0 + i) * heads + h) * dv;
                    for (int e = 0; e < dv; e++) {
                        double s = 0;
                        for (int d = 0; d < dk; d++) {
                            s += q[qOff + d] * state[d * dv + e];
                        }
                        out[oOff + e] += (float) (s * crossScale);
                    }
                }
                // carry the chunk into the state: S = S·γ^C + Σ_j k_jᵀ (v_j · γ^(C-1-j) / Z)
                for (int x = 0; x < state.length; x++) {
                    state[x] *= crossDecay;
                }
                for (int j = 0; j < n; j++) {
                    double w = Math.exp((chunk - 1 - j) * g) / z;
                    int kOff = ((c0 + j) * heads + h) * dk;
                    int vOff = ((c0 + j) * heads + h) * dv;
                    for (int d = 0; d < dk; d++) {
                        for (int e = 0; e < dv; e++) {
                            state[d * dv + e] += k[kOff + d] * v[vOff + e] * w;
                        }
                    }
                }
                double max = 0;
                for (int e = 0; e < dv; e++) {
                    double col = 0;
                    for (int d = 0; d < dk; d++) {
                        col += Math.abs(state[d * dv + e]);
                    }
                    max = Math.max(max, col);
                }
                kappa = Math.max(max, 1.0);
            }
        }
        return out;
    }

    /**
     * One recurrent step for one row at {@code row} of q, k, v, updating {@code state} (value-major
     * {@code [H, dv, dk]} and the scales {@code c [H]}; {@code c = 0} means empty).
     */
    void step(float[] q, float[] k, float[] v, int row, RetNetState.Layer state, float[] out) {
        for (int h = 0; h < heads; h++) {
            double gamma = Math.exp(decay[h]);
            double previous = state.scale[h];
            double c = previous == 0 ? 1 : previous * gamma + 1;
            double carry = previous == 0 ? 0 : Math.sqrt(previous) * gamma / Math.sqrt(c);
            double fresh = 1 / Math.sqrt(c);
            int kOff = (row * heads + h) * dk;
            int vOff = (row * heads + h) * dv;
            int sOff = h * dv * dk;
            for (int e = 0; e < dv; e++) {
                double o = 0;
                for (int d = 0; d < dk; d++) {
                    int si = sOff + e * dk + d;
                    double s = state.values[si] * carry + v[vOff + e] * k[kOff + d] * fresh;
                    state.values[si] = s;
                    o += s * q[kOff + d];
                }
                out[vOff + e] = (float) o;
            }
            state.scale[h] = c;
        }
    }

    /**
     * The state the recurrence reaches after {@code rows} rows, in closed form: with
     * {@code U_t = γ·U_{t-1} + v_t kᵀ_t} the recurrence keeps {@code S_t = U_t / sqrt(c_t)}.
     */
    void absorb(float[] k, float[] v, int rows, RetNetState.Layer state) {
        for (int h = 0; h < heads; h++) {
            double gamma = Math.exp(decay[h]);
            double c = state.scale[h];
            double[] u = new double[dv * dk];
            int sOff = h * dv * dk;
            for (int x = 0; x < u.length; x++) {
                u[x] = state.values[sOff + x] * Math.sqrt(c);
            }
            for (int t = 0; t < rows; t++) {
                int kOff = (t * heads + h) * dk;
                int vOff = (t * heads + h) * dv;
                for (int e = 0; e < dv; e++) {
                    for (int d = 0; d < dk; d++) {
                        u[e * dk + d] = u[e * dk + d] * gamma + v[vOff + e] * k[kOff + d];
                    }
                }
                c = c * gamma + 1;
            }
            for (int x = 0; x < u.length; x++) {
                state.values[sOff + x] = u[x] / Math.sqrt(c);
            }
            state.scale[h] = c;
        }
    }

    private double dot(float[] q, float[] k, int i, int j, int h) {
        int qOff = (i * heads + h) * dk;
        int kOff = (j * heads + h) * dk;
        double s = 0;
        for (int d = 0; d < dk; d++) {
            s += q[qOff + d] * k[kOff + d];
        }
        return s;
    }

    /** {@code out[row] += scale · Σ_{j<n} a_j · v[from + j]} for head {@code h}. */
    private void accumulate(double[] a, int n, double scale, float[] v, int h, float[] out, int row, int from) {
        int oOff = (row * heads + h) * dv;
        for (int e = 0; e < dv; e++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += a[j] * v[((from + j) * heads + h) * dv + e];
            }
            out[oOff + e] += (float) (s * scale);
        }
    }
}

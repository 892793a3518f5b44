package valle.arch.retnet;

/**
 * The three equivalent cores of multi-scale retention ({@code docs/spec/archs.md} §3.7 with torchscale's
 * normalisations), per head over rotated queries and keys {@code [T, H, dk]} and values {@code [T, H, dv]},
 * giving {@code [T, H, dv]} before the group norm. With {@code γ_h = exp(decay_h)} and the decay mask
 * {@code D_ij = γ^(i-j) / sqrt(Σ_{m≤i} γ^m)} for {@code j ≤ i}:
 * <ul>
 * <li>parallel: {@code A = (q·kᵀ) ⊙ D}, each row divided by {@code clamp(Σ|A|, 1, 5e4)}, then {@code A·v};</li>
 * <li>chunkwise (chunk C): the parallel form inside each chunk (without the upper clamp) plus a cross-chunk
 * state carried from chunk to chunk, the two parts brought to a common scale;</li>
 * <li>recurrent: {@code c_t = c_{t-1}γ + 1},
 * {@code S_t = S_{t-1}·sqrt(c_{t-1})·γ/sqrt(c_t) + v_t kᵀ_t/sqrt(c_t)}, {@code o_t = S_t q_t}.</li>
 * </ul>
 * The forms differ by a positive factor per (row, head), which the following group norm removes up to its
 * epsilon (the arch oracle measures up to 8.7e-5 on its tiny model). The reference runs chunkwise with C = 512,
 * which for T ≤ 512 is the parallel form without its upper clamp. Everything is float32, as torchscale computes.
 */
final class Retention {
    /** torchscale's upper clamp of the parallel form's row normaliser. */
    private static final float CLAMP_HIGH = 5e4f;

    private final int heads;
    private final int dk;
    private final int dv;
    /** {@code log γ} per head: the checkpoint's float16-rounded {@code retnet_rel_pos.decay}. */
    private final float[] decay;

    Retention(int heads, int dk, int dv, float[] decay) {
        this.heads = heads;
        this.dk = dk;
        this.dv = dv;
        this.decay = decay.clone();
    }

    /** The parallel form over all {@code rows} at once. */
    float[] parallel(float[] q, float[] k, float[] v, int rows) {
        float[] out = new float[rows * heads * dv];
        float[] a = new float[rows];
        for (int h = 0; h < heads; h++) {
            float[] power = powers(h, rows);
            float[] sigma = rowNorms(power);
            for (int i = 0; i < rows; i++) {
                float total = 0f;
                for (int j = 0; j <= i; j++) {
                    a[j] = dot(q, i, k, j, h) * (power[i - j] / sigma[i]);
                    total += Math.abs(a[j]);
                }
                float norm = Math.min(Math.max(total, 1f), CLAMP_HIGH);
                for (int j = 0; j <= i; j++) {
                    a[j] /= norm;
                }
                weightedValues(a, i + 1, v, 0, h, out, (i * heads + h) * dv);
            }
        }
        return out;
    }

    /**
     * The chunkwise form with chunks of {@code chunk} rows. torchscale zero-pads the sequence to whole chunks;
     * padding rows come after every real row and retention is causal, so a short last chunk computed on its
     * own rows (with the full chunk's constants) gives the same real rows.
     */
    float[] chunkwise(float[] q, float[] k, float[] v, int rows, int chunk) {
        float[] out = new float[rows * heads * dv];
        float[] a = new float[chunk];
        float[] inner = new float[dv];
        for (int h = 0; h < heads; h++) {
            // torchscale's per-chunk constants (RetNetRelPos, chunkwise branch)
            float[] power = powers(h, chunk);
            float[] sigma = rowNorms(power);
            float z = 0f;                                               // Σ of the decay mask's last row
            for (float p : power) {
                z += p;
            }
            float crossDecay = (float) Math.exp(decay[h] * chunk);
            float[] valueDecay = new float[chunk];
            float[] queryDecay = new float[chunk];
            for (int i = 0; i < chunk; i++) {
                valueDecay[i] = power[chunk - 1 - i] / z;
                queryDecay[i] = (float) Math.exp(decay[h] * (i + 1)) / (sigma[i] / z);
            }
            float[] state = new float[dk * dv];                         // [dk, dv], carried across chunks
            float kappa = 1f;                                           // the state's scale
            for (int c0 = 0; c0 < rows; c0 += chunk) {
                int n = Math.min(chunk, rows - c0);
                for (int i = 0; i < n; i++) {
                    float total = 0f;
                    for (int j = 0; j <= i; j++) {
                        a[j] = dot(q, c0 + i, k, c0 + j, h) * (power[i - j] / sigma[i]);
                        total += Math.abs(a[j]);
                    }
                    float iota = Math.max(total, 1f);
                    for (int j = 0; j <= i; j++) {
                        a[j] /= iota;
                    }
                    weightedValues(a, i + 1, v, c0, h, inner, 0);
                    // inner and cross are each normalised by their own scale; both are brought to the larger
                    float alpha = Math.max(iota, kappa);
                    float innerScale = alpha / iota;
                    float crossScale = alpha / kappa;
                    int qOff = ((c0 + i) * heads + h) * dk;
                    int oOff = ((c0 + i) * heads + h) * dv;
                    for (int e = 0; e < dv; e++) {
                        float cross = 0f;
                        for (int d = 0; d < dk; d++) {
                            cross += (q[qOff + d] * queryDecay[i]) * (state[d * dv + e] / kappa);
                        }
                        out[oOff + e] = inner[e] / innerScale + cross / crossScale;
                    }
                }
                // carry the chunk into the state: S = S·γ^C + Σ_j k_jᵀ (v_j · γ^(C-1-j) / z)
                for (int x = 0; x < state.length; x++) {
                    state[x] *= crossDecay;
                }
                for (int j = 0; j < n; j++) {
                    int kOff = ((c0 + j) * heads + h) * dk;
                    int vOff = ((c0 + j) * heads + h) * dv;
                    for (int d = 0; d < dk; d++) {
                        for (int e = 0; e < dv; e++) {
                            state[d * dv + e] += k[kOff + d] * (v[vOff + e] * valueDecay[j]);
                        }
                    }
                }
                float max = 0f;
                for (int e = 0; e < dv; e++) {
                    float column = 0f;
                    for (int d = 0; d < dk; d++) {
                        column += Math.abs(state[d * dv + e]);
                    }
                    max = Math.max(max, column);
                }
                kappa = Math.max(max, 1f);
            }
        }
        return out;
    }

    /**
     * One recurrent step, torchscale's {@code recurrent_forward}: row {@code row} of q, k, v updates
     * {@code state} and writes the row's core output to {@code out} at the same row.
     */
    void step(float[] q, float[] k, float[] v, int row, RetNetState.Layer state, float[] out) {
        for (int h = 0; h < heads; h++) {
            float gamma = (float) Math.exp(decay[h]);
            float previous = state.scale[h];
            boolean first = previous == 0f;                             // c ≥ 1 once a row went in
            float c = first ? 1f : previous * gamma + 1f;
            float carry = first ? 0f : (float) Math.sqrt(previous) * gamma / (float) Math.sqrt(c);
            float root = (float) Math.sqrt(c);
            int kOff = (row * heads + h) * dk;
            int vOff = (row * heads + h) * dv;
            int sOff = h * dv * dk;
            for (int e = 0; e < dv; e++) {
                float o = 0f;
                for (int d = 0; d < dk; d++) {
                    int si = sOff + e * dk + d;
                    float s = state.values[si] * carry + (v[vOff + e] * k[kOff + d]) / root;
                    state.values[si] = s;
                    o += q[kOff + d] * s;
                }
                out[vOff + e] = o;
            }
            state.scale[h] = c;
        }
    }

    /**
     * Puts into an empty {@code state} what {@code rows} recurrent steps over k and v would leave, without
     * their outputs: the recurrence keeps {@code S_t = U_t / sqrt(c_t)} with {@code U_t = γ·U_{t-1} + v_t kᵀ_t},
     * so a prefill computed in another form still leaves the decoder a recurrent state.
     */
    void absorb(float[] k, float[] v, int rows, RetNetState.Layer state) {
        if (state.scale[0] != 0f) {
            throw new IllegalStateException("absorb starts from an empty state");
        }
        float[] u = new float[dv * dk];
        for (int h = 0; h < heads; h++) {
            float gamma = (float) Math.exp(decay[h]);
            java.util.Arrays.fill(u, 0f);
            float c = 0f;
            for (int t = 0; t < rows; t++) {
                int kOff = (t * heads + h) * dk;
                int vOff = (t * heads + h) * dv;
                for (int e = 0; e < dv; e++) {
                    for (int d = 0; d < dk; d++) {
                        u[e * dk + d] = u[e * dk + d] * gamma + v[vOff + e] * k[kOff + d];
                    }
                }
                c = c * gamma + 1f;
            }
            float root = (float) Math.sqrt(c);
            int sOff = h * dv * dk;
            for (int x = 0; x < u.length; x++) {
                state.values[sOff + x] = u[x] / root;
            }
            state.scale[h] = c;
        }
    }

    /** {@code γ_h^m = exp(m · decay_h)} for {@code m < n}, the exponent rounded to float32 as torch does. */
    private float[] powers(int h, int n) {
        float[] p = new float[n];
        for (int m = 0; m < n; m++) {
            p[m] = (float) Math.exp((float) m * decay[h]);
        }
        return p;
    }

    /** {@code sqrt(Σ_{m≤i} γ^m)}: the norm dividing row i of the decay mask. */
    private static float[] rowNorms(float[] power) {
        float[] sigma = new float[power.length];
        float sum = 0f;
        for (int i = 0; i < power.length; i++) {
            sum += power[i];
            sigma[i] = (float) Math.sqrt(sum);
        }
        return sigma;
    }

    private float dot(float[] q, int i, float[] k, int j, int h) {
        int qOff = (i * heads + h) * dk;
        int kOff = (j * heads + h) * dk;
        float s = 0f;
        for (int d = 0; d < dk; d++) {
            s += q[qOff + d] * k[kOff + d];
        }
        return s;
    }

    /** {@code out[at..at+dv) = Σ_{j<n} a_j · v[from + j]} for head {@code h}. */
    private void weightedValues(float[] a, int n, float[] v, int from, int h, float[] out, int at) {
        for (int e = 0; e < dv; e++) {
            float s = 0f;
            for (int j = 0; j < n; j++) {
                s += a[j] * v[((from + j) * heads + h) * dv + e];
            }
            out[at + e] = s;
        }
    }
}

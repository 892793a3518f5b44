package valle.arch.mamba;

import valle.api.arch.BackboneConfig;
import valle.api.arch.BackboneInput;
import valle.api.arch.BackboneProbe;
import valle.kit.nn.Activation;
import valle.kit.nn.RmsNorm;
import valle.kit.nn.StatefulBackbone;

/**
 * A Mamba (v1) stack as HF's {@code MambaModel} slow path computes it ({@code docs/spec/archs.md} §4.3): per block
 * {@code h += Mixer(RMSNorm(h))}, then the final RMSNorm, with HF's {@code layer_norm_epsilon} 1e-5. The mixer:
 * {@code [x | z] = in_proj(u)}; causal depthwise conv over x (K-1 zeros before the start) and SiLU;
 * {@code [δ | B | C] = x_proj(x̃)}; {@code Δ = softplus(dt_proj(δ))} (threshold 20); the selective scan
 * {@code s_t = exp(Δ·A)·s_{t-1} + Δ·B_t·x̃_t}, {@code y_t = s_t·C_t + D·x̃_t}; {@code out_proj(y ⊙ SiLU(z))}.
 *
 * <p>Every pass runs through a {@link MambaState}: the conv window and scan state after the last row are
 * exactly what the next row needs, so a full pass is a prefill from the empty state and decoding is the same
 * code one row at a time (following the math: HF's own cache writes the conv window at the wrong slot after a
 * prefill shorter than K-1, see docs/spec/oracle-arch.md). Position ids and the mask mode are ignored: Mamba is
 * causal by construction, and the reference runs its NAR passes causally with it too.
 */
final class MambaBackbone extends StatefulBackbone<MambaState> {
    /** HF {@code MambaConfig.layer_norm_epsilon}, which the reference keeps. */
    private static final float NORM_EPS = 1e-5f;

    private final MambaWeights weights;

    MambaBackbone(BackboneConfig config, MambaWeights weights) {
        super(config, MambaState.class, "mamba backbone");
        this.weights = weights;
    }

    @Override
    public MambaState newState() {
        return new MambaState(this, weights.blocks().size(), weights.kernel() * weights.inner(),
                weights.inner() * weights.state());
    }

    /** @throws UnsupportedOperationException for a watched pass: the blocks' outputs are not reported */
    @Override
    protected float[] pass(MambaState s, BackboneInput input, BackboneProbe probe, boolean keep) {
        if (probe != UNWATCHED) {
            throw new UnsupportedOperationException("backbone '" + config().archType()
                    + "' does not report per-layer values to a probe");
        }
        int d = config().hiddenSize();
        int rows = input.rows();
        float[] h = input.embeddings().clone();
        float[] normed = new float[rows * d];
        for (int b = 0; b < weights.blocks().size(); b++) {
            MambaWeights.Block block = weights.blocks().get(b);
            RmsNorm.apply(h, block.norm(), rows, d, NORM_EPS, normed);
            float[] mixed = mix(block, normed, rows, s.conv[b], s.ssm[b]);
            for (int i = 0; i < h.length; i++) {
                h[i] += mixed[i];
            }
        }
        s.advance(rows);
        float[] out = new float[rows * d];
        RmsNorm.apply(h, weights.finalNorm(), rows, d, NORM_EPS, out);
        return out;
    }

    /** The mixer over {@code rows} rows of {@code u [rows, D]}, continuing from and updating the block's state. */
    private float[] mix(MambaWeights.Block w, float[] u, int rows, float[] conv, float[] ssm) {
        int inner = weights.inner();
        int n = weights.state();
        int k = weights.kernel();
        int rank = weights.rank();
        float[] xz = new float[rows * 2 * inner];
        w.inProj().linear(u, rows, xz);
        addBias(xz, rows, w.inBias());

        float[] xc = new float[rows * inner];
        for (int t = 0; t < rows; t++) {
            // slide the window: drop the oldest input, append this row's x (the first half of in_proj)
            System.arraycopy(conv, inner, conv, 0, (k - 1) * inner);
            System.arraycopy(xz, t * 2 * inner, conv, (k - 1) * inner, inner);
            for (int c = 0; c < inner; c++) {
                float acc = w.convBias() == null ? 0f : w.convBias()[c];
                for (int j = 0; j < k; j++) {
                    acc += w.convWeight()[c * k + j] * conv[j * inner + c];
                }
                xc[t * inner + c] = Activation.silu(acc);
            }
        }

        int projWidth = rank + 2 * n;
        float[] proj = new float[rows * projWidth];
        w.xProj().linear(xc, rows, proj);
        float[] low = new float[rows * rank];
        for (int t = 0; t < rows; t++) {
            System.arraycopy(proj, t * projWidth, low, t * rank, rank);
        }
        float[] delta = new float[rows * inner];
        w.dtProj().linear(low, rows, delta);
        for (int t = 0; t < rows; t++) {
            for (int c = 0; c < inner; c++) {
                delta[t * inner + c] = Activation.softplus(delta[t * inner + c] + w.dtBias()[c]);
            }
        }

        float[] y = new float[rows * inner];
        for (int t = 0; t < rows; t++) {
            int bOff = t * projWidth + rank;
            int cOff = bOff + n;
            for (int c = 0; c < inner; c++) {
                float dt = delta[t * inner + c];
                float xv = xc[t * inner + c];
                float acc = 0f;
                for (int j = 0; j < n; j++) {
                    int si = c * n + j;
                    ssm[si] = (float) Math.exp(dt * w.negA()[si]) * ssm[si] + dt * proj[bOff + j] * xv;
                    acc += ssm[si] * proj[cOff + j];
                }
                float z = xz[t * 2 * inner + inner + c];
                y[t * inner + c] = (acc + w.d()[c] * xv) * Activation.silu(z);
            }
        }
        float[] out = new float[rows * config().hiddenSize()];
        w.outProj().linear(y, rows, out);
        addBias(out, rows, w.outBias());
        return out;
    }

    private static void addBias(float[] x, int rows, float[] bias) {
        if (bias == null) {
            return;
        }
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < bias.length; c++) {
                x[r * bias.length + c] += bias[c];
            }
        }
    }
}

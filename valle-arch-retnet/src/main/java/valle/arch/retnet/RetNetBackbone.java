package valle.arch.retnet;

import java.util.Arrays;
import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.arch.BackboneInput;
import valle.api.arch.BackboneState;
import valle.kit.nn.Activation;
import valle.kit.nn.BackboneInputs;
import valle.kit.nn.OwnedState;
import valle.kit.nn.RmsNorm;

/**
 * A torchscale RetNet decoder as the reference runs it: per layer
 * {@code x += out_proj(silu(g) ⊙ GN(retention(θ(q), θ(k/sqrt(dk)), v)))} on {@code RMSNorm(x)}, then
 * {@code x += fc2(gelu(fc1 h) ⊙ gate h)} on {@code h = RMSNorm(x)}, and a final RMSNorm; every epsilon 1e-6;
 * GN is an RMSNorm over each head's values without weight; θ is {@link ThetaShift}.
 *
 * <p>Rules of the reference that belong to this backbone: <b>position ids and the mask mode are ignored</b>.
 * The reference computes position ids but never passes them to a RetNet, which rotates by the absolute row
 * index 0..T-1 of the whole sequence; and it passes no mask, so retention is causal for every pass, NAR levels
 * included, even when the config asks for {@code noncausal_masks}.
 *
 * <p>A full pass uses the chunkwise form with chunks of 512: what upstream torchscale runs for the reference
 * (its config drops the reference's chunk setting of 1); for T ≤ 512 that is the parallel form without its upper
 * clamp. Incremental decoding keeps only the recurrent state ({@link RetNetState}), constant in size: rows are
 * appended with the recurrent form at absolute positions continuing from {@link BackboneState#length()}. A
 * prefill (several rows into an empty state) is the exception: its rows are computed like a full pass, so they
 * equal the reference's, and the state they leave is derived in closed form ({@link Retention#absorb}).
 */
final class RetNetBackbone implements Backbone {
    /** torchscale's {@code recurrent_chunk_size}, which the reference's own chunk setting does not reach. */
    static final int REFERENCE_CHUNK = 512;
    /** Selects the parallel form in {@link #forward(BackboneInput, int, Trace)}. */
    static final int PARALLEL = 0;
    /** torchscale's {@code layernorm_eps} default, which the reference leaves: every norm, the group norm too. */
    private static final float EPS = 1e-6f;

    private final BackboneConfig config;
    private final RetNetWeights weights;
    private final Retention retention;
    private final ThetaShift theta;
    private volatile boolean closed;

    RetNetBackbone(BackboneConfig config, RetNetWeights weights) {
        this.config = config;
        this.weights = weights;
        this.retention = new Retention(config.heads(), weights.keyDim(), weights.valueDim(), weights.decay());
        this.theta = new ThetaShift(weights.angle());
    }

    @Override
    public BackboneConfig config() {
        return config;
    }

    @Override
    public float[] forward(BackboneInput input) {
        return forward(input, REFERENCE_CHUNK, null);
    }

    /** A full pass in one form: chunkwise with {@code chunk} rows, or {@link #PARALLEL}; {@code trace} may be null. */
    float[] forward(BackboneInput input, int chunk, Trace trace) {
        if (chunk < 0) {
            throw new IllegalArgumentException("chunk size " + chunk);
        }
        ensureOpen(input);
        return run(input, 0, trace, (layer, q, k, v, rows) ->
                chunk == PARALLEL ? retention.parallel(q, k, v, rows) : retention.chunkwise(q, k, v, rows, chunk));
    }

    /** A full pass in the recurrent form from an empty state, one row after another; {@code trace} may be null. */
    float[] forwardRecurrent(BackboneInput input, Trace trace) {
        ensureOpen(input);
        try (RetNetState state = newState()) {
            return step(state, input, trace);
        }
    }

    @Override
    public RetNetState newState() {
        return new RetNetState(this, weights.layers().size(), config.heads(), weights.valueDim(), weights.keyDim());
    }

    @Override
    public float[] forward(BackboneState state, BackboneInput input) {
        return forward(state, input, null);
    }

    float[] forward(BackboneState state, BackboneInput input, Trace trace) {
        ensureOpen(input);
        RetNetState s = OwnedState.owned(state, RetNetState.class, this, "retnet backbone");
        s.ensureOpen();
        if (s.length() == 0 && input.rows() > 1) {
            float[] out = run(input, 0, trace, (layer, q, k, v, rows) -> {
                retention.absorb(k, v, rows, s.layers[layer]);
                return retention.chunkwise(q, k, v, rows, REFERENCE_CHUNK);
            });
            s.advance(input.rows());
            return out;
        }
        return step(s, input, trace);
    }

    /** Appends rows one at a time in the recurrent form, at the positions following the state's rows. */
    private float[] step(RetNetState s, BackboneInput input, Trace trace) {
        int d = config.hiddenSize();
        float[] out = new float[input.rows() * d];
        for (int r = 0; r < input.rows(); r++) {
            float[] row = Arrays.copyOfRange(input.embeddings(), r * d, (r + 1) * d);
            float[] h = run(new BackboneInput(row, 1, new int[1], input.mask()), s.length(), trace,
                    (layer, q, k, v, rows) -> {
                        float[] o = new float[config.heads() * weights.valueDim()];
                        retention.step(q, k, v, 0, s.layers[layer], o);
                        return o;
                    });
            System.arraycopy(h, 0, out, r * d, d);
            s.advance(1);
        }
        return out;
    }

    /** The retention core of one layer over rotated q, k and v, {@code [rows, H, dv]} before the group norm. */
    @FunctionalInterface
    private interface Core {
        float[] apply(int layer, float[] q, float[] k, float[] v, int rows);
    }

    /** Every layer and the final norm over {@code input}'s rows, at positions from {@code firstPosition}. */
    private float[] run(BackboneInput input, int firstPosition, Trace trace, Core core) {
        int d = config.hiddenSize();
        int rows = input.rows();
        int heads = config.heads();
        int dk = weights.keyDim();
        int dv = weights.valueDim();
        float kScale = (float) (1.0 / Math.sqrt(dk));
        float[] x = input.embeddings().clone();
        float[] n = new float[rows * d];
        for (int l = 0; l < weights.layers().size(); l++) {
            RetNetWeights.Layer w = weights.layers().get(l);
            RmsNorm.apply(x, w.retentionNorm(), rows, d, EPS, n);
            float[] q = new float[rows * d];
            float[] k = new float[rows * d];
            float[] v = new float[rows * heads * dv];
            float[] g = new float[rows * heads * dv];
            w.q().linear(n, rows, q);
            w.k().linear(n, rows, k);
            w.v().linear(n, rows, v);
            w.g().linear(n, rows, g);
            for (int i = 0; i < k.length; i++) {
                k[i] *= kScale;
            }
            theta.apply(q, rows, heads, firstPosition);
            theta.apply(k, rows, heads, firstPosition);
            float[] o = core.apply(l, q, k, v, rows);
            if (trace != null) {
                trace.core(l, o);
            }
            // the group norm per (row, head) over the values, then the gate
            RmsNorm.apply(o, null, rows * heads, dv, EPS, o);
            Activation.SILU.gated(g, o, o.length, o);
            float[] projected = new float[rows * d];
            w.out().linear(o, rows, projected);
            addInPlace(x, projected);

            RmsNorm.apply(x, w.ffnNorm(), rows, d, EPS, n);
            int f = w.fc1().rows();
            float[] a = new float[rows * f];
            float[] b = new float[rows * f];
            w.fc1().linear(n, rows, a);
            w.gate().linear(n, rows, b);
            Activation.GELU.gated(a, b, a.length, a);
            float[] down = new float[rows * d];
            w.fc2().linear(a, rows, down);
            addInPlace(x, down);
            if (trace != null) {
                trace.layerOutput(l, x);
            }
        }
        float[] out = new float[rows * d];
        RmsNorm.apply(x, weights.finalNorm(), rows, d, EPS, out);
        return out;
    }

    private static void addInPlace(float[] x, float[] delta) {
        for (int i = 0; i < x.length; i++) {
            x[i] += delta[i];
        }
    }

    private void ensureOpen(BackboneInput input) {
        if (closed) {
            throw new IllegalStateException("this retnet backbone is closed");
        }
        BackboneInputs.requireWidth(input, config.hiddenSize());
    }

    @Override
    public void close() {
        // the weights are views owned by the model, which releases them; this only stops further use
        closed = true;
    }
}

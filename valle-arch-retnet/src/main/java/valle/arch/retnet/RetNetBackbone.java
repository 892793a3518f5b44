package valle.arch.retnet;

import valle.api.arch.Backbone;
import valle.api.math.Activations;
import valle.api.arch.BackboneConfig;
import valle.api.arch.BackboneInput;
import valle.api.arch.BackboneState;

/**
 * A torchscale RetNet decoder as the reference runs it: per layer
 * {@code x += out_proj(silu(g) ⊙ GN(retention(θ(q), θ(k/sqrt(dk)), v)))} on {@code RMSNorm(x)}, then
 * {@code x += fc2(gelu(fc1 h) ⊙ gate h)} on {@code h = RMSNorm(x)}, and a final RMSNorm; every epsilon 1e-6;
 * GN is an RMSNorm over each head's values without weight; θ rotates interleaved pairs by the checkpoint's
 * angles times the absolute row index.
 *
 * <p>Rules of the reference that belong to this backbone: position ids and the mask mode are ignored (rows are
 * numbered 0..T-1 across the whole sequence, and retention is causal even for NAR passes with
 * {@code noncausal_masks}). A full pass uses the chunkwise form with chunks of 512, what upstream torchscale runs
 * for the reference. Incremental decoding keeps the recurrent state only ({@link RetNetState}): the first call on
 * an empty state computes its rows like a full pass and derives the state in closed form; later rows take the
 * recurrent form.
 */
final class RetNetBackbone implements Backbone {
    /** torchscale's {@code recurrent_chunk_size}, which the reference's own chunk setting does not reach. */
    static final int REFERENCE_CHUNK = 512;
    /** Selects the parallel form in {@link #forward(BackboneInput, int)}. */
    static final int PARALLEL = 0;
    private static final float EPS = 1e-6f;

    private final BackboneConfig config;
    private final RetNetWeights weights;
    private final Retention retention;
    private volatile boolean closed;

    RetNetBackbone(BackboneConfig config, RetNetWeights weights) {
        this.config = config;
        this.weights = weights;
        this.retention = new Retention(config.heads(), weights.keyDim(), weights.valueDim(), weights.decay());
    }

    @Override
    public BackboneConfig config() {
        return config;
    }

    @Override
    public float[] forward(BackboneInput input) {
        return forward(input, REFERENCE_CHUNK);
    }

    /** A full pass in one form: chunkwise with {@code chunk} rows, or {@link #PARALLEL}. */
    float[] forward(BackboneInput input, int chunk) {
        ensureOpen(input);
        return run(input, 0, (layer, q, k, v, rows) ->
                chunk == PARALLEL ? retention.parallel(q, k, v, rows) : retention.chunkwise(q, k, v, rows, chunk));
    }

    /** A full pass in the recurrent form, one row after another (the form decoding uses). */
    float[] forwardRecurrent(BackboneInput input) {
        try (RetNetState state = newState()) {
            float[] out = new float[input.embeddings().length];
            int d = config.hiddenSize();
            for (int r = 0; r < input.rows(); r++) {
                float[] row = java.util.Arrays.copyOfRange(input.embeddings(), r * d, (r + 1) * d);
                float[] h = step(state, new BackboneInput(row, 1, new int[] {r}, input.mask()));
                System.arraycopy(h, 0, out, r * d, d);
            }
            return out;
        }
    }

    @Override
    public RetNetState newState() {
        return new RetNetState(this, weights.layers().size(), config.heads(), weights.valueDim(), weights.keyDim());
    }

    @Override
    public float[] forward(BackboneState state, BackboneInput input) {
        ensureOpen(input);
        if (!(state instanceof RetNetState s) || s.owner != this) {
            throw new IllegalArgumentException("this state was not made by this retnet backbone");
        }
        s.ensureOpen();
        if (s.length() == 0 && input.rows() > 1) {
            float[] out = run(input, 0, (layer, q, k, v, rows) -> {
                retention.absorb(k, v, rows, s.layers[layer]);
                return retention.chunkwise(q, k, v, rows, REFERENCE_CHUNK);
            });
            s.advance(input.rows());
            return out;
        }
        return step(s, input);
    }

    /** Appends rows one at a time in the recurrent form. */
    private float[] step(RetNetState s, BackboneInput input) {
        int d = config.hiddenSize();
        float[] out = new float[input.rows() * d];
        for (int r = 0; r < input.rows(); r++) {
            float[] row = java.util.Arrays.copyOfRange(input.embeddings(), r * d, (r + 1) * d);
            float[] h = run(new BackboneInput(row, 1, new int[] {0}, input.mask()), s.length(), (layer, q, k, v, rows) -> {
                float[] o = new float[config.heads() * weights.valueDim()];
                retention.step(q, k, v, 0, s.layers[layer], o);
                return o;
            });
            System.arraycopy(h, 0, out, r * d, d);
            s.advance(1);
        }
        return out;
    }

    /** The retention core of one layer over rotated q, k and v. */
    @FunctionalInterface
    private interface Core {
        float[] apply(int layer, float[] q, float[] k, float[] v, int rows);
    }

    /** Every layer and the final norm over {@code input}'s rows, numbered from {@code firstPosition}. */
    private float[] run(BackboneInput input, int firstPosition, Core core) {
        int d = config.hiddenSize();
        int rows = input.rows();
        int heads = config.heads();
        int dk = weights.keyDim();
        int dv = weights.valueDim();
        float[] x = input.embeddings().clone();
        float[] n = new float[rows * d];
        for (int l = 0; l < weights.layers().size(); l++) {
            RetNetWeights.Layer w = weights.layers().get(l);
            rmsNorm(x, w.retentionNorm(), rows, d, n);
            float[] q = new float[rows * d];
            float[] k = new float[rows * d];
            float[] v = new float[rows * heads * dv];
            float[] g = new float[rows * heads * dv];
            w.q().linear(n, rows, q);
            w.k().linear(n, rows, k);
            w.v().linear(n, rows, v);
            w.g().linear(n, rows, g);
            float kScale = (float) (1.0 / Math.sqrt(dk));
            for (int i = 0; i < k.length; i++) {
                k[i] *= kScale;
            }
            rotate(q, rows, firstPosition);
            rotate(k, rows, firstPosition);
            float[] o = core.apply(l, q, k, v, rows);
            // group norm per (row, head) over the values, then the gate
            rmsNorm(o, null, rows * heads, dv, o);
            for (int i = 0; i < o.length; i++) {
                o[i] *= Activations.silu(g[i]);
            }
            float[] projected = new float[rows * d];
            w.out().linear(o, rows, projected);
            add(x, projected);

            rmsNorm(x, w.ffnNorm(), rows, d, n);
            int f = w.fc1().rows();
            float[] a = new float[rows * f];
            float[] b = new float[rows * f];
            w.fc1().linear(n, rows, a);
            w.gate().linear(n, rows, b);
            for (int i = 0; i < a.length; i++) {
                a[i] = Activations.gelu(a[i]) * b[i];
            }
            float[] down = new float[rows * d];
            w.fc2().linear(a, rows, down);
            add(x, down);
        }
        float[] out = new float[rows * d];
        rmsNorm(x, weights.finalNorm(), rows, d, out);
        return out;
    }

    /** θ: interleaved pairs {@code (x0, x1) → (x0 cos - x1 sin, x1 cos + x0 sin)} at angle {@code pos · angle_i}. */
    private void rotate(float[] x, int rows, int firstPosition) {
        int heads = config.heads();
        int dk = weights.keyDim();
        float[] angle = weights.angle();
        for (int r = 0; r < rows; r++) {
            float pos = firstPosition + r;
            for (int h = 0; h < heads; h++) {
                int off = (r * heads + h) * dk;
                for (int i = 0; i < dk; i += 2) {
                    double a0 = pos * angle[i];
                    double a1 = pos * angle[i + 1];
                    float x0 = x[off + i];
                    float x1 = x[off + i + 1];
                    x[off + i] = (float) (x0 * Math.cos(a0) - x1 * Math.sin(a0));
                    x[off + i + 1] = (float) (x1 * Math.cos(a1) + x0 * Math.sin(a1));
                }
            }
        }
    }

    /** RMSNorm of {@code rows} rows of {@code width}; {@code weight} null for the weightless group norm. */
    private static void rmsNorm(float[] x, float[] weight, int rows, int width, float[] out) {
        for (int r = 0; r < rows; r++) {
            int off = r * width;
            double sum = 0;
            for (int c = 0; c < width; c++) {
                sum += (double) x[off + c] * x[off + c];
            }
            float inv = (float) (1.0 / Math.sqrt(sum / width + EPS));
            for (int c = 0; c < width; c++) {
                out[off + c] = (weight == null ? 1f : weight[c]) * (x[off + c] * inv);
            }
        }
    }

    private static void add(float[] x, float[] delta) {
        for (int i = 0; i < x.length; i++) {
            x[i] += delta[i];
        }
    }

    private void ensureOpen(BackboneInput input) {
        if (closed) {
            throw new IllegalStateException("this retnet backbone is closed");
        }
        if (input.rows() > 0 && input.width() != config.hiddenSize()) {
            throw new IllegalArgumentException("input rows are " + input.width() + " wide, the backbone is "
                    + config.hiddenSize());
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}

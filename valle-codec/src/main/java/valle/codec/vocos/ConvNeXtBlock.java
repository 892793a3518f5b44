package valle.codec.vocos;

import valle.kit.nn.Activation;
import valle.codec.io.WeightBinder;
import valle.codec.nn.Dense;
import valle.kit.thread.KernelPool;

/**
 * Vocos' {@code ConvNeXtBlock} on frame-major rows {@code [frames, dim]}: a depthwise conv over time (kernel 7,
 * zero padding 3), AdaLayerNorm, a linear layer to the intermediate width, exact (erf) GELU, a linear layer back,
 * the per-channel layer scale {@code gamma} (when the checkpoint has one), and the residual.
 */
final class ConvNeXtBlock {
    private static final int KERNEL = 7;

    private final int dim;
    /** Depthwise weights transposed to {@code [k][dim]}, so each tap runs over consecutive channels. */
    private final float[] depthwise;
    private final float[] depthwiseBias;
    private final AdaLayerNorm norm;
    private final Dense up;
    private final Dense down;
    private final float[] gamma;

    ConvNeXtBlock(WeightBinder w, String prefix, VocosConfig c) {
        this.dim = c.dim();
        float[] dw = w.take(prefix + "dwconv.weight", dim, 1, KERNEL);
        this.depthwise = new float[KERNEL * dim];
        for (int ch = 0; ch < dim; ch++) {
            for (int k = 0; k < KERNEL; k++) {
                depthwise[k * dim + ch] = dw[ch * KERNEL + k];
            }
        }
        this.depthwiseBias = w.take(prefix + "dwconv.bias", dim);
        this.norm = new AdaLayerNorm(w, prefix + "norm", c.conditions(), dim);
        this.up = new Dense(c.intermediateDim(), dim, w.take(prefix + "pwconv1.weight", c.intermediateDim(), dim),
                w.take(prefix + "pwconv1.bias", c.intermediateDim()));
        this.down = new Dense(dim, c.intermediateDim(), w.take(prefix + "pwconv2.weight", dim, c.intermediateDim()),
                w.take(prefix + "pwconv2.bias", dim));
        this.gamma = w.isRandom() || w.has(prefix + "gamma") ? w.take(prefix + "gamma", dim) : null;
    }

    float[] apply(float[] x, int frames, int condition, KernelPool par) {
        float[] y = new float[frames * dim];
        int half = KERNEL / 2;
        for (int t = 0; t < frames; t++) {
            System.arraycopy(depthwiseBias, 0, y, t * dim, dim);
            for (int k = 0; k < KERNEL; k++) {
                int src = t + k - half;
                if (src < 0 || src >= frames) {
                    continue;
                }
                for (int ch = 0; ch < dim; ch++) {
                    y[t * dim + ch] += depthwise[k * dim + ch] * x[src * dim + ch];
                }
            }
        }
        float[] h = up.apply(norm.apply(y, frames, condition), frames, par);
        for (int i = 0; i < h.length; i++) {
            h[i] = Activation.gelu(h[i]);
        }
        float[] z = down.apply(h, frames, par);
        float[] out = new float[frames * dim];
        for (int t = 0; t < frames; t++) {
            for (int ch = 0; ch < dim; ch++) {
                float v = z[t * dim + ch];
                out[t * dim + ch] = x[t * dim + ch] + (gamma == null ? v : gamma[ch] * v);
            }
        }
        return out;
    }
}

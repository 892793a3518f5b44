package valle.codec.vocos;

import valle.codec.io.WeightBinder;
import valle.codec.nn.LayerNorm;

/**
 * Vocos' {@code AdaLayerNorm}: layer norm without affine parameters (eps 1e-6), then a per-condition scale and
 * shift, {@code x̂ · scale[id] + shift[id]}, from two embedding tables {@code [conditions, dim]}. The condition is
 * the EnCodec bandwidth the codes were made at.
 */
final class AdaLayerNorm {
    private static final float EPS = 1e-6f;

    private final int dim;
    private final float[] scale;
    private final float[] shift;

    AdaLayerNorm(WeightBinder w, String prefix, int conditions, int dim) {
        this.dim = dim;
        this.scale = w.take(prefix + ".scale.weight", conditions, dim);
        this.shift = w.take(prefix + ".shift.weight", conditions, dim);
    }

    /** Rows {@code [frames, dim]} normalised and modulated for condition {@code id}, into a new array. */
    float[] apply(float[] x, int frames, int id) {
        float[] y = new float[frames * dim];
        LayerNorm.normalize(x, y, frames, dim, EPS);
        int o = id * dim;
        for (int t = 0; t < frames; t++) {
            for (int c = 0; c < dim; c++) {
                y[t * dim + c] = y[t * dim + c] * scale[o + c] + shift[o + c];
            }
        }
        return y;
    }
}

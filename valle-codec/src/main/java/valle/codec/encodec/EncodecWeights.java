package valle.codec.encodec;

import java.util.regex.Pattern;
import valle.api.tensor.Weights;
import valle.codec.io.WeightBinder;
import valle.codec.nn.WeightNorm;

/**
 * An EnCodec checkpoint's tensors under one naming, the HF one ({@code encoder.layers.N.conv.weight_g},
 * {@code quantizer.layers.i.codebook.embed}): the original checkpoint's names ({@code encoder.model.N.conv.conv.*},
 * {@code decoder.model.N.convtr.convtr.*}, {@code quantizer.vq.layers.i._codebook.*}) and newer transformers'
 * {@code parametrizations.weight.original0/1} spelling of weight norm are mapped onto it (docs/spec/codec.md §2.5,
 * §2.6). Weight norm is folded on the way out. The quantizer's training buffers ({@code inited},
 * {@code cluster_size}, {@code embed_avg}) are the only tensors allowed to stay unused.
 */
final class EncodecWeights {
    private static final Pattern TRAINING_BUFFER = Pattern.compile("quantizer\\.layers\\.\\d+\\.codebook\\.(inited|cluster_size|embed_avg)");

    private final WeightBinder binder;

    /** A conv's folded weight and its bias. */
    record ConvParams(float[] weight, float[] bias) {
    }

    EncodecWeights(Weights raw) {
        this.binder = WeightBinder.of(raw, EncodecWeights::hfName);
    }

    private EncodecWeights(long seed) {
        this.binder = WeightBinder.random("EnCodec", seed);
    }

    /** Random weights for any configuration (benchmarks); plain folded weights, so no weight-norm work at load. */
    static EncodecWeights random(long seed) {
        return new EncodecWeights(seed);
    }

    String source() {
        return binder.source();
    }

    /** The HF name of an original or parametrized name (names already in HF form are kept). */
    static String hfName(String name) {
        String n = name.replaceFirst("^quantizer\\.vq\\.layers\\.(\\d+)\\._codebook\\.", "quantizer.layers.$1.codebook.")
                .replaceFirst("^(encoder|decoder)\\.model\\.", "$1.layers.")
                .replace(".conv.conv.", ".conv.").replace(".convtr.convtr.", ".conv.");
        if (n.endsWith(".parametrizations.weight.original0")) {
            n = n.substring(0, n.length() - ".parametrizations.weight.original0".length()) + ".weight_g";
        } else if (n.endsWith(".parametrizations.weight.original1")) {
            n = n.substring(0, n.length() - ".parametrizations.weight.original1".length()) + ".weight_v";
        }
        return n;
    }

    boolean has(String name) {
        return binder.has(name);
    }

    /** The shape of a stored tensor, if present. */
    int[] shape(String name) {
        return binder.shape(name);
    }

    /**
     * A conv at {@code prefix} ({@code encoder.layers.0.conv}) with weight {@code shape}: {@code weight_g} and
     * {@code weight_v} folded over every axis but the first, or a plain {@code weight}; bias of {@code biasLength}.
     */
    ConvParams conv(String prefix, int[] shape, int biasLength) {
        float[] w;
        if (has(prefix + ".weight_v") || has(prefix + ".weight_g")) {
            float[] v = take(prefix + ".weight_v", shape);
            float[] g = take(prefix + ".weight_g", shape[0], 1, 1);
            w = binder.handOut(prefix + ".weight", shape, WeightNorm.fold(g, v), prefix + ".weight_v", prefix + ".weight_g");
        } else {
            w = take(prefix + ".weight", shape);
        }
        return new ConvParams(w, take(prefix + ".bias", biasLength));
    }

    float[] take(String name, int... shape) {
        return binder.take(name, shape);
    }

    float[] codebook(int level, int bins, int dim) {
        return binder.drawUnit("quantizer.layers." + level + ".codebook.embed", bins, dim);
    }

    /** The tensors the model was built from: HF names, weight norm folded into {@code prefix.weight}. */
    valle.api.tensor.Weights handedOut() {
        return binder.handedOut();
    }

    void checkAllUsed() {
        binder.checkAllUsed(n -> TRAINING_BUFFER.matcher(n).matches(), "an EnCodec model");
    }
}

package valle.codec.vocos;

import valle.codec.io.WeightBinder;
import valle.codec.nn.Conv1d;
import valle.codec.nn.LayerNorm;
import valle.codec.nn.Padding;
import valle.codec.nn.Scratch;
import valle.codec.nn.Signal;
import valle.codec.nn.Taps;
import valle.kit.thread.KernelPool;

/**
 * {@code VocosBackbone} (docs/spec/codec.md §3.3): the embedding conv (kernel 7, zero padding 3) from the features
 * {@code [input, T]} to {@code dim}, AdaLayerNorm, the ConvNeXt blocks, and a final LayerNorm with affine
 * parameters (eps 1e-6), giving {@code [T, dim]}. Non-causal: every output sees ±3 frames per conv.
 */
final class VocosBackbone {
    private static final int KERNEL = 7;

    private final int dim;
    private final Conv1d embed;
    private final AdaLayerNorm norm;
    private final ConvNeXtBlock[] blocks;
    private final LayerNorm finalNorm;

    VocosBackbone(WeightBinder w, VocosConfig c) {
        this.dim = c.dim();
        this.embed = new Conv1d(dim, c.inputChannels(), KERNEL, 1, 1,
                w.take("backbone.embed.weight", dim, c.inputChannels(), KERNEL), w.take("backbone.embed.bias", dim));
        this.norm = new AdaLayerNorm(w, "backbone.norm", c.conditions(), dim);
        this.blocks = new ConvNeXtBlock[c.layers()];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = new ConvNeXtBlock(w, "backbone.convnext." + i + ".", c);
        }
        this.finalNorm = new LayerNorm(dim, 1e-6f, w.take("backbone.final_layer_norm.weight", dim),
                w.take("backbone.final_layer_norm.bias", dim));
    }

    /** Features {@code [input, T]} to rows {@code [T, dim]} under condition {@code id}. */
    float[] apply(Signal features, int condition, KernelPool par, Taps taps) {
        int frames = features.length();
        Signal x = embed.apply(Padding.zeros(features, KERNEL / 2, KERNEL / 2), par, Scratch.NONE);
        taps.put("vocos_bb_embed", x);
        float[] rows = norm.apply(x.transposed(), frames, condition);
        taps.put("vocos_bb_norm", new int[] {frames, dim}, rows);
        for (int i = 0; i < blocks.length; i++) {
            rows = blocks[i].apply(rows, frames, condition, par);
            if (taps != Taps.NONE) {
                taps.put("vocos_bb_block" + i, Signal.fromRows(rows, frames, dim));
            }
        }
        float[] out = finalNorm.apply(rows, frames);
        taps.put("vocos_backbone_out", new int[] {frames, dim}, out);
        return out;
    }
}

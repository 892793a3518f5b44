package valle.codec.encodec;

import valle.codec.nn.Scratch;
import valle.codec.nn.Signal;
import valle.codec.nn.Taps;
import valle.kit.thread.KernelPool;

/**
 * The SEANet encoder (docs/spec/codec.md §2.3): {@code encoder.layers.0} a conv to {@code filters} channels; then per
 * ratio, walking the ratios reversed (2, 4, 5, 8 at 24 kHz), the residual blocks, an ELU and a conv of kernel
 * {@code 2r} and stride {@code r} that doubles the channels; then the SLSTM, an ELU and the last conv to
 * {@code dimension}. {@code N} samples become {@code ceil(N / hop)} frames.
 */
final class SeanetEncoder {
    private final CausalConv first;
    private final ResnetBlock[][] blocks;
    private final CausalConv[] downs;
    private final SkipLstm lstm;
    private final CausalConv last;

    SeanetEncoder(EncodecWeights w, EncodecConfig c) {
        int n = c.residualLayers();
        int[] ratios = c.ratios();
        this.first = new CausalConv(w, "encoder.layers.0.conv", c.filters(), 1, c.kernelSize(), 1, 1);
        this.blocks = new ResnetBlock[ratios.length][n];
        this.downs = new CausalConv[ratios.length];
        int idx = 1;
        int mult = 1;
        for (int s = 0; s < ratios.length; s++) {
            int r = ratios[ratios.length - 1 - s];
            int dim = mult * c.filters();
            int dilation = 1;
            for (int j = 0; j < n; j++) {
                blocks[s][j] = new ResnetBlock(w, "encoder.layers." + (idx + j), dim, c, dilation);
                dilation *= c.dilationBase();
            }
            downs[s] = new CausalConv(w, "encoder.layers." + (idx + n + 1) + ".conv", 2 * dim, dim, 2 * r, r, 1);
            idx += n + 2;
            mult *= 2;
        }
        this.lstm = c.lstmLayers() > 0 ? new SkipLstm(w, "encoder.layers." + idx, mult * c.filters(), c.lstmLayers()) : null;
        idx += c.lstmLayers() > 0 ? 1 : 0;
        this.last = new CausalConv(w, "encoder.layers." + (idx + 1) + ".conv", c.dimension(), mult * c.filters(),
                c.lastKernelSize(), 1, 1);
    }

    /** Mono samples {@code [1, N]} to the latent {@code [dimension, ceil(N / hop)]}. */
    Signal apply(Signal samples, KernelPool par, Taps taps) {
        // every intermediate signal is dead once the next one is made: its array goes back to the call's scratch
        Scratch scratch = Scratch.forCall();
        Signal x = first.apply(samples, par, scratch);
        for (int s = 0; s < downs.length; s++) {
            for (ResnetBlock b : blocks[s]) {
                x = replace(x, b.apply(x, par, scratch), scratch);
            }
            x = replace(x, downs[s].apply(x.eluInPlace(), par, scratch), scratch);
            taps.put("enc_down" + (s + 1), x);
        }
        if (lstm != null) {
            x = replace(x, lstm.apply(x, par), scratch);
            taps.put("enc_lstm", x);
        }
        x = last.apply(x.eluInPlace(), par, scratch);
        taps.put("latent", x);
        return x;
    }

    /** {@code next}, after giving {@code done}'s array back. */
    static Signal replace(Signal done, Signal next, Scratch scratch) {
        scratch.give(done);
        return next;
    }
}

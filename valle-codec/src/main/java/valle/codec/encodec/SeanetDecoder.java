package valle.codec.encodec;

import valle.codec.nn.Scratch;
import valle.codec.nn.Signal;
import valle.codec.nn.Taps;
import valle.kit.thread.KernelPool;

/**
 * The SEANet decoder (docs/spec/codec.md §2.3): {@code decoder.layers.0} a conv from {@code dimension} to the deepest
 * width, the SLSTM, then per ratio (8, 5, 4, 2 at 24 kHz) an ELU, a causal transposed conv of kernel {@code 2r}
 * and stride {@code r} that halves the channels, and the residual blocks; then an ELU and the last conv to one
 * channel, with no final activation. {@code T} frames become {@code hop·T} samples.
 */
final class SeanetDecoder {
    private final CausalConv first;
    private final SkipLstm lstm;
    private final CausalConvTranspose[] ups;
    private final ResnetBlock[][] blocks;
    private final CausalConv last;

    SeanetDecoder(EncodecWeights w, EncodecConfig c) {
        int n = c.residualLayers();
        int[] ratios = c.ratios();
        int mult = 1 << ratios.length;
        this.first = new CausalConv(w, "decoder.layers.0.conv", mult * c.filters(), c.dimension(), c.kernelSize(), 1, 1);
        this.lstm = c.lstmLayers() > 0 ? new SkipLstm(w, "decoder.layers.1", mult * c.filters(), c.lstmLayers()) : null;
        int idx = c.lstmLayers() > 0 ? 2 : 1;
        this.ups = new CausalConvTranspose[ratios.length];
        this.blocks = new ResnetBlock[ratios.length][n];
        for (int s = 0; s < ratios.length; s++) {
            int r = ratios[s];
            int in = mult * c.filters();
            ups[s] = new CausalConvTranspose(w, "decoder.layers." + (idx + 1) + ".conv", in, in / 2, 2 * r, r);
            int dilation = 1;
            for (int j = 0; j < n; j++) {
                blocks[s][j] = new ResnetBlock(w, "decoder.layers." + (idx + 2 + j), in / 2, c, dilation);
                dilation *= c.dilationBase();
            }
            idx += n + 2;
            mult /= 2;
        }
        this.last = new CausalConv(w, "decoder.layers." + (idx + 1) + ".conv", 1, c.filters(), c.lastKernelSize(), 1, 1);
    }

    /** The latent {@code [dimension, T]} to mono samples {@code [1, hop·T]}. */
    Signal apply(Signal z, KernelPool par, Taps taps) {
        // as in the encoder, each intermediate signal's array goes back to the call's scratch once it is dead
        Scratch scratch = Scratch.forCall();
        Signal x = first.apply(z, par, scratch);
        taps.put("dec_conv_in", x);
        if (lstm != null) {
            x = SeanetEncoder.replace(x, lstm.apply(x, par), scratch);
            taps.put("dec_lstm", x);
        }
        for (int s = 0; s < ups.length; s++) {
            x = SeanetEncoder.replace(x, ups[s].apply(x.eluInPlace(), par), scratch);
            taps.put("dec_up" + (s + 1), x);
            for (ResnetBlock b : blocks[s]) {
                x = SeanetEncoder.replace(x, b.apply(x, par, scratch), scratch);
            }
        }
        return last.apply(x.eluInPlace(), par, scratch);
    }
}

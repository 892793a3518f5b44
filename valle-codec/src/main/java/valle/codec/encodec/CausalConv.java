package valle.codec.encodec;

import valle.codec.nn.Conv1d;
import valle.codec.nn.Padding;
import valle.codec.nn.Scratch;
import valle.codec.nn.Signal;
import valle.kit.thread.KernelPool;

/**
 * EnCodec's {@code SConv1d}, causal with reflect padding (docs/spec/codec.md §2.2): with effective kernel
 * {@code ke = (k-1)·d + 1} and stride {@code s}, pad {@code P = ke - s} on the left and
 * {@code extra = ceil(L/s)·s - L} on the right (the closed form of {@code get_extra_padding_for_conv1d} when the
 * padding is {@code ke - s}), both by reflection, then convolve: {@code ceil(L/s)} outputs.
 */
final class CausalConv {
    private final Conv1d conv;

    CausalConv(EncodecWeights w, String prefix, int out, int in, int kernel, int stride, int dilation) {
        EncodecWeights.ConvParams p = w.conv(prefix, new int[] {out, in, kernel}, out);
        this.conv = new Conv1d(out, in, kernel, stride, dilation, p.weight(), p.bias());
    }

    /** The conv of {@code x} into a signal of {@code scratch}'s; {@code x} is left as it was. */
    Signal apply(Signal x, KernelPool par, Scratch scratch) {
        int s = conv.stride();
        int padding = conv.effectiveKernel() - s;
        int frames = (x.length() + s - 1) / s;
        int extra = frames * s - x.length();
        Signal padded = Padding.reflect(x, padding, extra, scratch);
        Signal y = conv.apply(padded, par, scratch);
        if (padded != x) {
            scratch.give(padded);
        }
        return y;
    }
}

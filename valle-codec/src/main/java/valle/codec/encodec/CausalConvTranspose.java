package valle.codec.encodec;

import valle.codec.nn.ConvTranspose1d;
import valle.codec.nn.Signal;
import valle.kit.thread.KernelPool;

/**
 * EnCodec's causal {@code SConvTranspose1d} with {@code trim_right_ratio = 1}: the plain transposed conv with
 * its {@code k - s} extra samples cut from the right only, {@code T·s} outputs for {@code T} inputs. There is
 * no length bookkeeping across layers, as upstream.
 */
final class CausalConvTranspose {
    private final ConvTranspose1d conv;

    CausalConvTranspose(EncodecWeights w, String prefix, int in, int out, int kernel, int stride) {
        // weight norm of a transposed conv is per input channel: the first axis of [in, out, k]
        EncodecWeights.ConvParams p = w.conv(prefix, new int[] {in, out, kernel}, out);
        this.conv = new ConvTranspose1d(in, out, kernel, stride, p.weight(), p.bias());
    }

    Signal apply(Signal x, KernelPool par) {
        int full = (x.length() - 1) * conv.stride() + conv.kernel();
        return conv.apply(x, full - (conv.kernel() - conv.stride()), par);
    }
}

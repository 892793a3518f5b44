package valle.codec.encodec;

import valle.codec.nn.Scratch;
import valle.codec.nn.Signal;
import valle.kit.thread.KernelPool;

/**
 * {@code SEANetResnetBlock} with {@code true_skip = False}:
 * {@code shortcut(x) + conv_b(ELU(conv_a(ELU(x))))}, where {@code conv_a} narrows to {@code dim / compress}
 * channels with the residual kernel and the block's dilation, {@code conv_b} widens back with kernel 1, and the
 * shortcut is a kernel-1 conv of the raw input. Module indices: {@code block.1} = conv_a, {@code block.3} = conv_b.
 */
final class ResnetBlock {
    private final CausalConv convA;
    private final CausalConv convB;
    private final CausalConv shortcut;

    ResnetBlock(EncodecWeights w, String prefix, int dim, EncodecConfig c, int dilation) {
        int hidden = dim / c.compress();
        this.convA = new CausalConv(w, prefix + ".block.1.conv", hidden, dim, c.residualKernelSize(), 1, dilation);
        this.convB = new CausalConv(w, prefix + ".block.3.conv", dim, hidden, 1, 1, 1);
        this.shortcut = new CausalConv(w, prefix + ".shortcut.conv", dim, dim, 1, 1, 1);
    }

    /** The block's output, a signal of {@code scratch}'s; {@code x} is left as it was. */
    Signal apply(Signal x, KernelPool par, Scratch scratch) {
        Signal activated = x.elu(scratch);
        Signal narrow = convA.apply(activated, par, scratch).eluInPlace();
        scratch.give(activated);
        Signal wide = convB.apply(narrow, par, scratch);
        scratch.give(narrow);
        Signal y = shortcut.apply(x, par, scratch).addInPlace(wide);
        scratch.give(wide);
        return y;
    }
}

package valle.codec.nn;

import valle.kit.thread.KernelPool;

/**
 * PyTorch's {@code Conv1d} without padding (callers pad): weight {@code [out, in, k]} (weight norm already
 * folded), bias {@code [out]}, stride and dilation. Output length {@code (L - dilation·(k-1) - 1) / stride + 1}.
 * A strided input is split into its stride phases first so that every tap reads consecutive samples (see
 * {@link ConvKernel}). Immutable; thread-safe.
 */
public final class Conv1d {
    private final int out;
    private final int in;
    private final int kernel;
    private final int stride;
    private final int dilation;
    private final float[] weight;
    private final float[] bias;
    private final ConvKernel taps;

    public Conv1d(int out, int in, int kernel, int stride, int dilation, float[] weight, float[] bias) {
        if (weight.length != out * in * kernel || bias.length != out || stride < 1 || dilation < 1 || kernel < 1) {
            throw new IllegalArgumentException("conv weight of " + weight.length + " values for [" + out + ", " + in
                    + ", " + kernel + "], " + bias.length + " biases, stride " + stride + ", dilation " + dilation);
        }
        this.out = out;
        this.in = in;
        this.kernel = kernel;
        this.stride = stride;
        this.dilation = dilation;
        this.weight = weight;
        this.bias = bias;
        int[] tapRow = new int[in * kernel];
        int[] tapOff = new int[in * kernel];
        for (int i = 0; i < in; i++) {
            for (int k = 0; k < kernel; k++) {
                // tap (i, k) reads x[i][t·s + k·d] = phase row (i, k·d mod s) at offset t + k·d div s
                int reach = k * dilation;
                tapRow[i * kernel + k] = i * stride + reach % stride;
                tapOff[i * kernel + k] = reach / stride;
            }
        }
        this.taps = new ConvKernel(out, weight, 0, tapRow, tapOff, bias);
    }

    public int outChannels() {
        return out;
    }

    public int inChannels() {
        return in;
    }

    public int kernel() {
        return kernel;
    }

    public int stride() {
        return stride;
    }

    /** The kernel's reach: {@code dilation·(k-1) + 1} samples. */
    public int effectiveKernel() {
        return dilation * (kernel - 1) + 1;
    }

    public int outputLength(int length) {
        return length < effectiveKernel() ? 0 : (length - effectiveKernel()) / stride + 1;
    }

    /** The conv of an already padded input, on the pool, into a signal of {@code scratch}'s. */
    public Signal apply(Signal x, KernelPool par, Scratch scratch) {
        return run(x, par, false, scratch);
    }

    /** As {@link #apply} with the scalar loop on the caller's thread: what the vector path is pinned to. */
    public Signal applyScalar(Signal x) {
        return run(x, null, true, Scratch.NONE);
    }

    /** The definition, loop by loop, with no phase split: the reference both paths are tested against. */
    public Signal applySimple(Signal x) {
        check(x);
        int lout = outputLength(x.length());
        float[] y = new float[out * lout];
        for (int o = 0; o < out; o++) {
            for (int t = 0; t < lout; t++) {
                float s = bias[o];
                for (int i = 0; i < in; i++) {
                    for (int k = 0; k < kernel; k++) {
                        s += weight[(o * in + i) * kernel + k] * x.data()[i * x.length() + t * stride + k * dilation];
                    }
                }
                y[o * lout + t] = s;
            }
        }
        return new Signal(out, lout, y);
    }

    private Signal run(Signal x, KernelPool par, boolean scalar, Scratch scratch) {
        check(x);
        int lout = outputLength(x.length());
        Signal y = scratch.signal(out, lout);
        if (lout > 0) {
            int len = (x.length() + stride - 1) / stride;
            float[] rows = stride == 1 ? x.data() : phases(x, len, scratch);
            if (scalar) {
                taps.runScalar(rows, len, y.data(), lout);
            } else {
                taps.run(rows, len, y.data(), lout, par);
            }
            if (rows != x.data()) {
                scratch.give(rows);
            }
        }
        return y;
    }

    private void check(Signal x) {
        if (x.channels() != in) {
            throw new IllegalArgumentException("conv of " + in + " input channels given " + x.channels());
        }
    }

    /** Row {@code i·s + p} holds {@code x[i][u·s + p]}, zero past the end. */
    private float[] phases(Signal x, int len, Scratch scratch) {
        float[] rows = scratch.take(in * stride * len);
        for (int i = 0; i < in; i++) {
            for (int p = 0; p < stride; p++) {
                // the last sample of a phase row lies past the input when stride does not divide its length
                rows[(i * stride + p) * len + len - 1] = 0;
            }
            for (int t = 0; t < x.length(); t++) {
                rows[(i * stride + t % stride) * len + t / stride] = x.data()[i * x.length() + t];
            }
        }
        return rows;
    }
}

package valle.codec.nn;

import valle.kit.thread.KernelPool;

/**
 * PyTorch's {@code ConvTranspose1d} without padding: weight {@code [in, out, k]} (weight norm folded per input
 * channel), bias {@code [out]}, stride {@code s}. Input frame {@code j} adds {@code w[:, :, m]ᵀ·x[:, j]} at output
 * {@code j·s + m}. Computed per output phase {@code r = p mod s}: output {@code q·s + r} is
 * {@code Σ_i Σ_j w[i][o][r + s·j] · x[i][q - j]}, an ordinary stride-1 conv of the input (zero-padded on the
 * left) with the phase's taps reversed. Only the first {@code length} outputs are computed, which is how the
 * causal decoder trims {@code k - s} samples on the right. Immutable; thread-safe.
 */
public final class ConvTranspose1d {
    private final int in;
    private final int out;
    private final int kernel;
    private final int stride;
    /** Taps per phase: {@code ceil(k / s)}. */
    private final int reach;
    private final float[] bias;
    /**
     * One stride-1 conv per output phase, their weights in one array: the published EnCodec decoder's first
     * transposed conv has 8 phases of 1 MB each, which as separate arrays took 2 MB of heap regions apiece
     * (G1 puts an array of half a region or more in whole regions of its own, and the array header tips an
     * exact megabyte over). The layer keeps no other copy of its weights.
     */
    private final ConvKernel[] phases;

    public ConvTranspose1d(int in, int out, int kernel, int stride, float[] weight, float[] bias) {
        if (weight.length != in * out * kernel || bias.length != out || stride < 1 || kernel < 1) {
            throw new IllegalArgumentException("transposed conv weight of " + weight.length + " values for [" + in
                    + ", " + out + ", " + kernel + "], " + bias.length + " biases");
        }
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.reach = (kernel + stride - 1) / stride;
        this.bias = bias;
        this.phases = new ConvKernel[stride];
        int[] tapRow = new int[in * reach];
        int[] tapOff = new int[in * reach];
        for (int i = 0; i < in; i++) {
            for (int jj = 0; jj < reach; jj++) {
                tapRow[i * reach + jj] = i;
                tapOff[i * reach + jj] = jj;
            }
        }
        int phaseSize = out * in * reach;
        float[] w = new float[stride * phaseSize];
        for (int r = 0; r < stride; r++) {
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    for (int jj = 0; jj < reach; jj++) {
                        // tap jj reads x[q - j] with j = reach - 1 - jj (the input is padded by reach - 1 on the left)
                        int m = r + stride * (reach - 1 - jj);
                        float tap = m < kernel ? weight[(i * out + o) * kernel + m] : 0f;
                        w[r * phaseSize + (o * in + i) * reach + jj] = tap;
                    }
                }
            }
            phases[r] = new ConvKernel(out, w, r * phaseSize, tapRow, tapOff, bias);
        }
    }

    public int inChannels() {
        return in;
    }

    public int outChannels() {
        return out;
    }

    public int kernel() {
        return kernel;
    }

    public int stride() {
        return stride;
    }

    /** The first {@code length} outputs (at most {@code (T-1)·s + k}), on the pool. */
    public Signal apply(Signal x, int length, KernelPool par) {
        return run(x, length, par, false);
    }

    /** As {@link #apply} with the scalar loop on the caller's thread. */
    public Signal applyScalar(Signal x, int length) {
        return run(x, length, null, true);
    }

    private Signal run(Signal x, int length, KernelPool par, boolean scalar) {
        check(x, length);
        int q = (length + stride - 1) / stride;
        // x[i][q - j] for q < Q and j < reach: pad reach - 1 zeros on the left, and on the right up to Q
        Signal padded = Padding.zeros(x, reach - 1, Math.max(0, q - x.length()));
        float[] phase = new float[out * q];
        float[] y = new float[out * length];
        for (int r = 0; r < stride; r++) {
            if (scalar) {
                phases[r].runScalar(padded.data(), padded.length(), phase, q);
            } else {
                phases[r].run(padded.data(), padded.length(), phase, q, par);
            }
            for (int o = 0; o < out; o++) {
                for (int k = 0, p = r; p < length; k++, p += stride) {
                    y[o * length + p] = phase[o * q + k];
                }
            }
        }
        return new Signal(out, length, y);
    }

    private void check(Signal x, int length) {
        if (x.channels() != in) {
            throw new IllegalArgumentException("transposed conv of " + in + " input channels given " + x.channels());
        }
        if (x.length() == 0 || length < 0 || length > (x.length() - 1) * stride + kernel) {
            throw new IllegalArgumentException(length + " outputs asked of a transposed conv of " + x.length() + " frames");
        }
    }
}

package valle.codec.nn;

import valle.kit.thread.KernelPool;
import valle.kit.vector.VectorApi;

/**
 * A convolution in "tap form", the one shape every conv of the codecs is brought to:
 * {@code y[o][t] = bias[o] + Σ_k w[o][k] · rows[tapRow[k]][t + tapOff[k]]} for {@code t < lout}, over rows of
 * one length. A strided conv becomes this by splitting its input into stride phases (so each tap reads
 * consecutive samples), a transposed conv by splitting its output into stride phases. Work is cut into blocks
 * of output channels and time for the pool; {@link #runScalar} is the plain loop the vector path is pinned to.
 */
final class ConvKernel {
    /** Output channels per task: a multiple of the vector path's four. */
    private static final int CHANNEL_BLOCK = 16;
    /** Output samples per task: long enough to amortise the task, short enough to balance the threads. */
    private static final int TIME_BLOCK = 2048;
    /** Below this many multiply-adds a conv runs on the caller's thread. */
    private static final long PARALLEL_WORK = 1L << 16;

    private final int out;
    private final int taps;
    private final float[] w;
    /** Where this conv's weights {@code [out][taps]} start in {@link #w}: a transposed conv's phases share one array. */
    private final int wOff;
    private final int[] tapRow;
    private final int[] tapOff;
    private final float[] bias;

    /** Over {@code w}'s {@code out · taps} weights from {@code wOff}, {@code [out][taps]}. */
    ConvKernel(int out, float[] w, int wOff, int[] tapRow, int[] tapOff, float[] bias) {
        if (wOff < 0 || wOff + (long) out * tapRow.length > w.length || tapOff.length != tapRow.length
                || bias.length != out) {
            throw new IllegalArgumentException("inconsistent conv kernel sizes");
        }
        this.out = out;
        this.taps = tapRow.length;
        this.w = w;
        this.wOff = wOff;
        this.tapRow = tapRow;
        this.tapOff = tapOff;
        this.bias = bias;
    }

    /** {@code y [out][lout]} from {@code rows}, each {@code rowLen} long. */
    void run(float[] rows, int rowLen, float[] y, int lout, KernelPool par) {
        int channelBlocks = (out + CHANNEL_BLOCK - 1) / CHANNEL_BLOCK;
        int timeBlocks = Math.max(1, (lout + TIME_BLOCK - 1) / TIME_BLOCK);
        int tasks = channelBlocks * timeBlocks;
        KernelPool p = (long) out * lout * taps < PARALLEL_WORK ? null : par;
        java.util.function.IntConsumer task = i -> {
            int o0 = (i / timeBlocks) * CHANNEL_BLOCK;
            int t0 = (i % timeBlocks) * TIME_BLOCK;
            int o1 = Math.min(out, o0 + CHANNEL_BLOCK);
            int t1 = Math.min(lout, t0 + TIME_BLOCK);
            if (VectorApi.present()) {
                VectorConv.conv(rows, rowLen, w, wOff, taps, tapRow, tapOff, bias, y, lout, o0, o1, t0, t1);
            } else {
                block(rows, rowLen, y, lout, o0, o1, t0, t1);
            }
        };
        if (p == null) {
            for (int i = 0; i < tasks; i++) {
                task.accept(i);
            }
        } else {
            p.forEach(tasks, task);
        }
    }

    /** The whole output with the scalar loop, on the caller's thread. */
    void runScalar(float[] rows, int rowLen, float[] y, int lout) {
        block(rows, rowLen, y, lout, 0, out, 0, lout);
    }

    /** Per channel and tap, one multiply-add over a run of time: a loop C2 vectorises by itself. */
    private void block(float[] rows, int rowLen, float[] y, int lout, int o0, int o1, int t0, int t1) {
        for (int o = o0; o < o1; o++) {
            int yo = o * lout;
            java.util.Arrays.fill(y, yo + t0, yo + t1, bias[o]);
            for (int k = 0; k < taps; k++) {
                float wk = w[wOff + o * taps + k];
                int x = tapRow[k] * rowLen + tapOff[k];
                for (int t = t0; t < t1; t++) {
                    y[yo + t] += wk * rows[x + t];
                }
            }
        }
    }
}

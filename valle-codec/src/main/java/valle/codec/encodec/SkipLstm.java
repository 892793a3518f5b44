package valle.codec.encodec;

import valle.codec.nn.Lstm;
import valle.codec.nn.Signal;
import valle.kit.thread.KernelPool;

/**
 * EnCodec's {@code SLSTM}: a unidirectional multi-layer LSTM over time at the model's deepest width, plus the
 * identity skip {@code y = LSTM(x) + x} (the input of the first layer added to the output of the last).
 */
final class SkipLstm {
    private final Lstm lstm;

    SkipLstm(EncodecWeights w, String prefix, int dim, int layers) {
        float[][] wIh = new float[layers][];
        float[][] wHh = new float[layers][];
        float[][] bIh = new float[layers][];
        float[][] bHh = new float[layers][];
        for (int l = 0; l < layers; l++) {
            wIh[l] = w.take(prefix + ".lstm.weight_ih_l" + l, 4 * dim, dim);
            wHh[l] = w.take(prefix + ".lstm.weight_hh_l" + l, 4 * dim, dim);
            bIh[l] = w.take(prefix + ".lstm.bias_ih_l" + l, 4 * dim);
            bHh[l] = w.take(prefix + ".lstm.bias_hh_l" + l, 4 * dim);
        }
        this.lstm = new Lstm(dim, dim, wIh, wHh, bIh, bHh);
    }

    Signal apply(Signal x, KernelPool par) {
        float[] h = lstm.apply(x.transposed(), x.length(), par);
        return Signal.fromRows(h, x.length(), x.channels()).addInPlace(x);
    }
}

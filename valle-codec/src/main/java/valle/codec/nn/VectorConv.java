package valle.codec.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import valle.kit.vector.FloatVectors;

/**
 * The convolution's inner loops on the Vector API, on the kit's preferred width (the dot products are the kit's,
 * {@link FloatVectors}). Loaded only when {@link valle.kit.vector.VectorApi#present()}; {@link ConvKernel} keeps
 * the scalar twin that tests pin it to.
 */
final class VectorConv {
    private static final VectorSpecies<Float> S = FloatVectors.SPECIES;

    private VectorConv() {
    }

    /**
     * Output channels {@code [o0, o1)} and times {@code [t0, t1)} of a convolution in tap form (see
     * {@link ConvKernel}): four channels at a time share each input load, two vectors of time per channel.
     */
    static void conv(float[] rows, int rowLen, float[] w, int wOff, int taps, int[] tapRow, int[] tapOff,
                     float[] bias, float[] y, int lout, int o0, int o1, int t0, int t1) {
        int vl = S.length();
        int[] base = new int[taps];
        for (int k = 0; k < taps; k++) {
            base[k] = tapRow[k] * rowLen + tapOff[k];
        }
        int o = o0;
        for (; o + 4 <= o1; o += 4) {
            int w0 = wOff + o * taps;
            int w1 = w0 + taps;
            int w2 = w1 + taps;
            int w3 = w2 + taps;
            int t = t0;
            for (; t + 2 * vl <= t1; t += 2 * vl) {
                FloatVector a0 = FloatVector.broadcast(S, bias[o]);
                FloatVector b0 = a0;
                FloatVector a1 = FloatVector.broadcast(S, bias[o + 1]);
                FloatVector b1 = a1;
                FloatVector a2 = FloatVector.broadcast(S, bias[o + 2]);
                FloatVector b2 = a2;
                FloatVector a3 = FloatVector.broadcast(S, bias[o + 3]);
                FloatVector b3 = a3;
                for (int k = 0; k < taps; k++) {
                    int at = base[k] + t;
                    FloatVector x0 = FloatVector.fromArray(S, rows, at);
                    FloatVector x1 = FloatVector.fromArray(S, rows, at + vl);
                    FloatVector c = FloatVector.broadcast(S, w[w0 + k]);
                    a0 = x0.fma(c, a0);
                    b0 = x1.fma(c, b0);
                    c = FloatVector.broadcast(S, w[w1 + k]);
                    a1 = x0.fma(c, a1);
                    b1 = x1.fma(c, b1);
                    c = FloatVector.broadcast(S, w[w2 + k]);
                    a2 = x0.fma(c, a2);
                    b2 = x1.fma(c, b2);
                    c = FloatVector.broadcast(S, w[w3 + k]);
                    a3 = x0.fma(c, a3);
                    b3 = x1.fma(c, b3);
                }
                a0.intoArray(y, o * lout + t);
                b0.intoArray(y, o * lout + t + vl);
                a1.intoArray(y, (o + 1) * lout + t);
                b1.intoArray(y, (o + 1) * lout + t + vl);
                a2.intoArray(y, (o + 2) * lout + t);
                b2.intoArray(y, (o + 2) * lout + t + vl);
                a3.intoArray(y, (o + 3) * lout + t);
                b3.intoArray(y, (o + 3) * lout + t + vl);
            }
            for (int q = 0; q < 4; q++) {
                oneChannel(rows, base, w, wOff, taps, bias, y, lout, o + q, t, t1, vl);
            }
        }
        for (; o < o1; o++) {
            oneChannel(rows, base, w, wOff, taps, bias, y, lout, o, t0, t1, vl);
        }
    }

    private static void oneChannel(float[] rows, int[] base, float[] w, int wOff, int taps, float[] bias, float[] y,
                                   int lout, int o, int t0, int t1, int vl) {
        int wo = wOff + o * taps;
        int t = t0;
        for (; t + vl <= t1; t += vl) {
            FloatVector a = FloatVector.broadcast(S, bias[o]);
            for (int k = 0; k < taps; k++) {
                a = FloatVector.fromArray(S, rows, base[k] + t).fma(FloatVector.broadcast(S, w[wo + k]), a);
            }
            a.intoArray(y, o * lout + t);
        }
        for (; t < t1; t++) {
            float s = bias[o];
            for (int k = 0; k < taps; k++) {
                s += w[wo + k] * rows[base[k] + t];
            }
            y[o * lout + t] = s;
        }
    }
}

package valle.codec.nn;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The inner loops that pay for the Vector API, on the machine's preferred width. Loaded only when
 * {@link Simd#ENABLED}; each has a scalar twin in its caller that tests pin it to.
 */
final class VectorKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    /** Rotations by 8, 4, 2 and 1 lanes (those shorter than the vector): the steps of {@link #sum}, as constants. */
    private static final VectorShuffle<Float> ROTATE_8 = S.length() >= 16 ? VectorShuffle.iota(S, 8, 1, true) : null;
    private static final VectorShuffle<Float> ROTATE_4 = S.length() >= 8 ? VectorShuffle.iota(S, 4, 1, true) : null;
    private static final VectorShuffle<Float> ROTATE_2 = S.length() >= 4 ? VectorShuffle.iota(S, 2, 1, true) : null;
    private static final VectorShuffle<Float> ROTATE_1 = S.length() >= 2 ? VectorShuffle.iota(S, 1, 1, true) : null;

    private VectorKernels() {
    }

    /**
     * Output channels {@code [o0, o1)} and times {@code [t0, t1)} of a convolution in tap form (see
     * {@link ConvKernel}): four channels at a time share each input load, two vectors of time per channel.
     */
    static void conv(float[] rows, int rowLen, float[] w, int taps, int[] tapRow, int[] tapOff, float[] bias,
                     float[] y, int lout, int o0, int o1, int t0, int t1) {
        int vl = S.length();
        int[] base = new int[taps];
        for (int k = 0; k < taps; k++) {
            base[k] = tapRow[k] * rowLen + tapOff[k];
        }
        int o = o0;
        for (; o + 4 <= o1; o += 4) {
            int w0 = o * taps;
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
                oneChannel(rows, base, w, taps, bias, y, lout, o + q, t, t1, vl);
            }
        }
        for (; o < o1; o++) {
            oneChannel(rows, base, w, taps, bias, y, lout, o, t0, t1, vl);
        }
    }

    private static void oneChannel(float[] rows, int[] base, float[] w, int taps, float[] bias, float[] y, int lout,
                                   int o, int t0, int t1, int vl) {
        int wo = o * taps;
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

    /**
     * Four dot products of one weight row with four input rows; {@code y[yOff + q * yStride] = w · x_q} for
     * {@code x_q = x[xOff + q * n ..]}.
     */
    static void dot4(float[] w, int wOff, float[] x, int xOff, int n, float[] y, int yOff, int yStride) {
        FloatVector a0 = FloatVector.zero(S);
        FloatVector a1 = FloatVector.zero(S);
        FloatVector a2 = FloatVector.zero(S);
        FloatVector a3 = FloatVector.zero(S);
        int step = S.length();
        int bound = S.loopBound(n);
        int c = 0;
        for (; c < bound; c += step) {
            FloatVector wv = FloatVector.fromArray(S, w, wOff + c);
            a0 = wv.fma(FloatVector.fromArray(S, x, xOff + c), a0);
            a1 = wv.fma(FloatVector.fromArray(S, x, xOff + n + c), a1);
            a2 = wv.fma(FloatVector.fromArray(S, x, xOff + 2 * n + c), a2);
            a3 = wv.fma(FloatVector.fromArray(S, x, xOff + 3 * n + c), a3);
        }
        float s0 = sum(a0);
        float s1 = sum(a1);
        float s2 = sum(a2);
        float s3 = sum(a3);
        for (; c < n; c++) {
            float wc = w[wOff + c];
            s0 += wc * x[xOff + c];
            s1 += wc * x[xOff + n + c];
            s2 += wc * x[xOff + 2 * n + c];
            s3 += wc * x[xOff + 3 * n + c];
        }
        y[yOff] = s0;
        y[yOff + yStride] = s1;
        y[yOff + 2 * yStride] = s2;
        y[yOff + 3 * yStride] = s3;
    }

    /**
     * The sum of the lanes in a fixed order (halves added pairwise). {@code reduceLanes(ADD)} leaves the order
     * to the implementation, and the JIT's intrinsic and the interpreter's fallback differ, so the same call
     * gave different last bits before and after warm-up; this order is the same everywhere.
     */
    static float sum(FloatVector v) {
        int lanes = S.length();
        if (lanes > 16) {
            // wider than any x86 vector (SVE): the same pairwise tree on the lanes
            float[] a = v.toArray();
            for (int h = lanes / 2; h >= 1; h /= 2) {
                for (int j = 0; j < h; j++) {
                    a[j] += a[j + h];
                }
            }
            return a[0];
        }
        if (lanes >= 16) {
            v = v.add(v.rearrange(ROTATE_8));
        }
        if (lanes >= 8) {
            v = v.add(v.rearrange(ROTATE_4));
        }
        if (lanes >= 4) {
            v = v.add(v.rearrange(ROTATE_2));
        }
        if (lanes >= 2) {
            v = v.add(v.rearrange(ROTATE_1));
        }
        return v.lane(0);
    }

    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector acc = FloatVector.zero(S);
        int step = S.length();
        int bound = S.loopBound(n);
        int c = 0;
        for (; c < bound; c += step) {
            acc = FloatVector.fromArray(S, a, aOff + c).fma(FloatVector.fromArray(S, b, bOff + c), acc);
        }
        float s = sum(acc);
        for (; c < n; c++) {
            s += a[aOff + c] * b[bOff + c];
        }
        return s;
    }

    /** {@code Σ (a_i - b_i)²}: a squared Euclidean distance. */
    static float squaredDistance(float[] a, int aOff, float[] b, int bOff, int n) {
        FloatVector acc = FloatVector.zero(S);
        int step = S.length();
        int bound = S.loopBound(n);
        int c = 0;
        for (; c < bound; c += step) {
            FloatVector d = FloatVector.fromArray(S, a, aOff + c).sub(FloatVector.fromArray(S, b, bOff + c));
            acc = d.fma(d, acc);
        }
        float s = sum(acc);
        for (; c < n; c++) {
            float d = a[aOff + c] - b[bOff + c];
            s += d * d;
        }
        return s;
    }
}

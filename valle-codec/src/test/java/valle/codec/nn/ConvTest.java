package valle.codec.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import valle.kit.thread.KernelPool;

/** The tap-form convolutions (vector and scalar, pooled or not) pinned to their loop-by-loop definitions. */
class ConvTest {

    @ParameterizedTest(name = "out {0} in {1} k {2} stride {3} dilation {4} length {5}")
    @CsvSource({"1, 1, 1, 1, 1, 1", "3, 1, 7, 1, 1, 19", "6, 3, 4, 2, 1, 37", "12, 6, 8, 4, 1, 100", "5, 48, 7, 1, 1, 1",
        "24, 12, 10, 5, 1, 64", "48, 24, 16, 8, 1, 3000", "7, 5, 3, 1, 3, 50", "33, 17, 3, 2, 2, 4099", "1, 32, 7, 1, 1, 5000"})
    void convMatchesItsDefinition(int out, int in, int k, int stride, int dilation, int length) {
        SplittableRandom rnd = new SplittableRandom(out * 131L + in * 7L + k);
        Conv1d conv = new Conv1d(out, in, k, stride, dilation, random(rnd, out * in * k), random(rnd, out));
        Signal x = new Signal(in, length + dilation * (k - 1), random(rnd, in * (length + dilation * (k - 1))));
        Signal simple = conv.applySimple(x);
        assertEquals((x.length() - dilation * (k - 1) - 1) / stride + 1, simple.length());
        assertClose(simple, conv.applyScalar(x), in * k);
        try (KernelPool par = new KernelPool(3, "test")) {
            assertClose(simple, conv.apply(x, par, Scratch.NONE), in * k);
        }
        assertClose(simple, conv.apply(x, null, Scratch.NONE), in * k);
    }

    @ParameterizedTest(name = "out {0} in {1} k {2} stride {3} length {4}")
    @CsvSource({"3, 2, 4, 2, 9", "5, 3, 10, 5, 23", "4, 4, 3, 1, 17"})
    void convIntoReusedArraysIgnoresTheirOldContents(int out, int in, int k, int stride, int length) {
        SplittableRandom rnd = new SplittableRandom(out * 17L + k);
        Conv1d conv = new Conv1d(out, in, k, stride, 1, random(rnd, out * in * k), random(rnd, out));
        Signal x = new Signal(in, length, random(rnd, in * length));
        Scratch scratch = Scratch.forCall();
        // arrays of the stride phases' and the output's lengths, full of NaN, are what the conv is handed
        float[] phases = new float[in * stride * ((length + stride - 1) / stride)];
        float[] output = new float[out * conv.outputLength(length)];
        java.util.Arrays.fill(phases, Float.NaN);
        java.util.Arrays.fill(output, Float.NaN);
        scratch.give(phases);
        scratch.give(output);
        Signal y = conv.apply(x, null, scratch);
        assertSame(output, y.data());
        assertClose(conv.applySimple(x), y, in * k);
    }

    @ParameterizedTest(name = "in {0} out {1} k {2} stride {3} frames {4}")
    @CsvSource({"1, 1, 1, 1, 1", "48, 24, 16, 8, 1", "48, 24, 16, 8, 9", "24, 12, 10, 5, 7", "12, 6, 8, 4, 33", "6, 3, 4, 2, 1000",
        "5, 7, 5, 2, 11", "3, 4, 3, 3, 6"})
    void transposedConvMatchesItsDefinition(int in, int out, int k, int stride, int frames) {
        SplittableRandom rnd = new SplittableRandom(in * 31L + out * 3L + k);
        float[] weight = random(rnd, in * out * k);
        float[] bias = random(rnd, out);
        ConvTranspose1d conv = new ConvTranspose1d(in, out, k, stride, weight, bias);
        Signal x = new Signal(in, frames, random(rnd, in * frames));
        int full = (frames - 1) * stride + k;
        for (int length : new int[] {full, frames * stride, Math.max(1, full - k)}) {
            Signal simple = transposedConv(weight, bias, in, out, k, stride, x, length);
            assertEquals(length, simple.length());
            assertClose(simple, conv.applyScalar(x, length), in * k);
            try (KernelPool par = new KernelPool(2, "test")) {
                assertClose(simple, conv.apply(x, length, par), in * k);
            }
        }
    }

    /**
     * The definition of a transposed conv, weight {@code [in, out, k]}: every input frame scattered into the
     * output, then cut to {@code length}.
     */
    private static Signal transposedConv(float[] weight, float[] bias, int in, int out, int k, int stride, Signal x,
                                         int length) {
        int t = x.length();
        int full = (t - 1) * stride + k;
        float[] y = new float[out * full];
        for (int o = 0; o < out; o++) {
            for (int p = 0; p < full; p++) {
                y[o * full + p] = bias[o];
            }
            for (int j = 0; j < t; j++) {
                for (int m = 0; m < k; m++) {
                    float s = 0f;
                    for (int i = 0; i < in; i++) {
                        s += weight[(i * out + o) * k + m] * x.data()[i * t + j];
                    }
                    y[o * full + j * stride + m] += s;
                }
            }
        }
        float[] cut = new float[out * length];
        for (int o = 0; o < out; o++) {
            System.arraycopy(y, o * full, cut, o * length, length);
        }
        return new Signal(out, length, cut);
    }

    @Test
    void aKnownSmallConvolution() {
        // y[t] = 1·x[t] + 10·x[t+2] + 0.5 (dilation 2), stride 2 over 0..6
        Conv1d conv = new Conv1d(1, 1, 2, 2, 2, new float[] {1f, 10f}, new float[] {0.5f});
        Signal y = conv.apply(new Signal(1, 7, new float[] {0, 1, 2, 3, 4, 5, 6}), null, Scratch.NONE);
        assertArrayEquals(new float[] {20.5f, 42.5f, 64.5f}, y.data());
        // a transposed conv spreads each frame over k outputs, stride apart
        ConvTranspose1d tr = new ConvTranspose1d(1, 1, 3, 2, new float[] {1f, 2f, 3f}, new float[] {0f});
        Signal z = tr.apply(new Signal(1, 2, new float[] {1f, 10f}), 5, null);
        assertArrayEquals(new float[] {1f, 2f, 13f, 20f, 30f}, z.data());
    }

    static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }

    private static void assertClose(Signal expected, Signal actual, int terms) {
        assertEquals(expected.channels(), actual.channels());
        assertEquals(expected.length(), actual.length());
        for (int i = 0; i < expected.data().length; i++) {
            // only the summation order differs
            assertEquals(expected.data()[i], actual.data()[i], 1e-5 * Math.max(1, Math.sqrt(terms)), "element " + i);
        }
    }
}

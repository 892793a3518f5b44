package valle.codec.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
            assertClose(simple, conv.apply(x, par), in * k);
        }
        assertClose(simple, conv.apply(x, null), in * k);
    }

    @ParameterizedTest(name = "in {0} out {1} k {2} stride {3} frames {4}")
    @CsvSource({"1, 1, 1, 1, 1", "48, 24, 16, 8, 1", "48, 24, 16, 8, 9", "24, 12, 10, 5, 7", "12, 6, 8, 4, 33", "6, 3, 4, 2, 1000",
        "5, 7, 5, 2, 11", "3, 4, 3, 3, 6"})
    void transposedConvMatchesItsDefinition(int in, int out, int k, int stride, int frames) {
        SplittableRandom rnd = new SplittableRandom(in * 31L + out * 3L + k);
        ConvTranspose1d conv = new ConvTranspose1d(in, out, k, stride, random(rnd, in * out * k), random(rnd, out));
        Signal x = new Signal(in, frames, random(rnd, in * frames));
        int full = (frames - 1) * stride + k;
        for (int length : new int[] {full, frames * stride, Math.max(1, full - k)}) {
            Signal simple = conv.applySimple(x, length);
            assertEquals(length, simple.length());
            assertClose(simple, conv.applyScalar(x, length), in * k);
            try (KernelPool par = new KernelPool(2, "test")) {
                assertClose(simple, conv.apply(x, length, par), in * k);
            }
        }
    }

    @Test
    void aKnownSmallConvolution() {
        // y[t] = 1·x[t] + 10·x[t+2] + 0.5 (dilation 2), stride 2 over 0..6
        Conv1d conv = new Conv1d(1, 1, 2, 2, 2, new float[] {1f, 10f}, new float[] {0.5f});
        Signal y = conv.apply(new Signal(1, 7, new float[] {0, 1, 2, 3, 4, 5, 6}), null);
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

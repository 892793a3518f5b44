package valle.codec.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RealInverseFftTest {

    @ParameterizedTest(name = "n = {0}")
    @ValueSource(ints = {1, 2, 3, 8, 15, 49, 1280})
    void theFastTransformMatchesTheDefinition(int n) {
        RealInverseFft fft = new RealInverseFft(n);
        SplittableRandom rnd = new SplittableRandom(n);
        float[] re = ConvTest.random(rnd, fft.bins());
        // DC and Nyquist imaginary parts are non-zero on purpose: both paths must ignore them
        float[] im = ConvTest.random(rnd, fft.bins());
        float[] fast = new float[n];
        float[] simple = new float[n];
        fft.apply(re, im, fast);
        fft.applySimple(re, im, simple);
        for (int i = 0; i < n; i++) {
            assertEquals(simple[i], fast[i], 1e-5, "sample " + i);
        }
    }

    @ParameterizedTest(name = "bin {0}")
    @ValueSource(ints = {0, 1, 7, 640})
    void oneActiveBinIsAPureTone(int bin) {
        int n = 1280;
        RealInverseFft fft = new RealInverseFft(n);
        float[] re = new float[fft.bins()];
        float[] im = new float[fft.bins()];
        re[bin] = (float) Math.cos(0.3);
        im[bin] = (float) Math.sin(0.3);
        float[] x = new float[n];
        fft.apply(re, im, x);
        boolean edge = bin == 0 || bin == n / 2;
        for (int m = 0; m < n; m++) {
            double expected = edge ? Math.cos(0.3) * Math.cos(2 * Math.PI * bin * m / n) / n
                    : 2 * Math.cos(2 * Math.PI * bin * m / n + 0.3) / n;
            assertEquals(expected, x[m], 1e-6, "sample " + m);
        }
    }
}

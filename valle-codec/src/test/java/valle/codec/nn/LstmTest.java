package valle.codec.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The LSTM against a step-by-step double-precision transcription of PyTorch's equations (gate order i, f, g, o). */
class LstmTest {

    @Test
    void twoLayersOverThreeStepsFollowPyTorchsEquations() {
        int in = 3;
        int h = 2;
        int steps = 3;
        SplittableRandom rnd = new SplittableRandom(9);
        float[][] wIh = {ConvTest.random(rnd, 4 * h * in), ConvTest.random(rnd, 4 * h * h)};
        float[][] wHh = {ConvTest.random(rnd, 4 * h * h), ConvTest.random(rnd, 4 * h * h)};
        float[][] bIh = {ConvTest.random(rnd, 4 * h), ConvTest.random(rnd, 4 * h)};
        float[][] bHh = {ConvTest.random(rnd, 4 * h), ConvTest.random(rnd, 4 * h)};
        float[] x = ConvTest.random(rnd, steps * in);
        float[] got = new Lstm(in, h, wIh, wHh, bIh, bHh).apply(x, steps, null);

        double[] seq = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            seq[i] = x[i];
        }
        int width = in;
        for (int l = 0; l < 2; l++) {
            double[] hs = new double[h];
            double[] cs = new double[h];
            double[] out = new double[steps * h];
            for (int t = 0; t < steps; t++) {
                double[] z = new double[4 * h];
                for (int r = 0; r < 4 * h; r++) {
                    z[r] = bIh[l][r] + bHh[l][r];
                    for (int c = 0; c < width; c++) {
                        z[r] += wIh[l][r * width + c] * seq[t * width + c];
                    }
                    for (int c = 0; c < h; c++) {
                        z[r] += wHh[l][r * h + c] * hs[c];
                    }
                }
                for (int j = 0; j < h; j++) {
                    double i = 1 / (1 + Math.exp(-z[j]));
                    double f = 1 / (1 + Math.exp(-z[h + j]));
                    double g = Math.tanh(z[2 * h + j]);
                    double o = 1 / (1 + Math.exp(-z[3 * h + j]));
                    cs[j] = f * cs[j] + i * g;
                    hs[j] = o * Math.tanh(cs[j]);
                    out[t * h + j] = hs[j];
                }
            }
            seq = out;
            width = h;
        }
        for (int i = 0; i < got.length; i++) {
            assertEquals(seq[i], got[i], 1e-6, "element " + i);
        }
    }
}

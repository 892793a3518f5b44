package valle.core.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The torchaudio resampler's geometry and behaviour; its exact values are pinned by the TCK's codec goldens. */
class ResamplerTest {

    @ParameterizedTest(name = "{0} Hz: {1} phases, width {2}")
    @CsvSource({"16000, 3, 7, 2", "44100, 80, 12, 147", "48000, 1, 13, 2", "22050, 160, 7, 147"})
    void kernelGeometryIsTorchaudios(int rate, int phases, int width, int o) {
        Resampler r = new Resampler(rate, 24000);
        assertEquals(phases, r.phases());
        assertEquals(width, r.width());
        assertEquals(2 * width + o, r.taps());
        assertEquals(phases * r.taps(), r.kernel().length);
    }

    @ParameterizedTest(name = "{0} Hz")
    @CsvSource({"16000", "44100", "48000", "22050", "8000"})
    void everyPhaseHasUnitDcGain(int rate) {
        Resampler r = new Resampler(rate, 24000);
        float[] k = r.kernel();
        for (int j = 0; j < r.phases(); j++) {
            double sum = 0;
            for (int m = 0; m < r.taps(); m++) {
                sum += k[j * r.taps() + m];
            }
            assertEquals(1.0, sum, 2e-3, "phase " + j);
        }
    }

    @Test
    void lengthsFollowTorchaudiosFloat32Ceiling() {
        // exact ceil(n L / o), and the documented first lengths where float32 drops the fraction
        assertEquals(9600, Resampler.outputLength(16000, 24000, 6400));
        assertEquals(7200, Resampler.outputLength(44100, 24000, 13230));
        assertEquals(1, Resampler.outputLength(44100, 24000, 1));
        assertEquals(131077, Resampler.outputLength(44100, 24000, 240854));
        assertEquals(131078, (80L * 240854 + 146) / 147, "the exact ceiling is one more");
        assertEquals(131077, Resampler.outputLength(22050, 24000, 120427));
    }

    @Test
    void aToneSurvivesDownsamplingAndEqualRatesAreACopy() {
        int n = 44100;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) Math.sin(2 * Math.PI * 1000 * i / 44100.0);
        }
        float[] y = new Resampler(44100, 24000).apply(x);
        assertEquals(24000, y.length);
        // away from the edges the 1 kHz tone is reproduced at the new rate
        double worst = 0;
        for (int i = 1000; i < 23000; i++) {
            worst = Math.max(worst, Math.abs(y[i] - Math.sin(2 * Math.PI * 1000 * i / 24000.0)));
        }
        assertTrue(worst < 2e-3, "worst " + worst);
        float[] same = new Resampler(24000, 24000).apply(x);
        assertArrayEquals(x, same);
    }

    @Test
    void aToneAboveTheNewNyquistIsFilteredOut() {
        float[] x = new float[44100];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(2 * Math.PI * 15000 * i / 44100.0);
        }
        float[] y = new Resampler(44100, 24000).apply(x);
        double energy = 0;
        for (int i = 1000; i < 23000; i++) {
            energy += y[i] * y[i];
        }
        assertTrue(Math.sqrt(energy / 22000) < 0.01, "rms " + Math.sqrt(energy / 22000));
    }
}

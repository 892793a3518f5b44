package valle.core.audio;

import valle.api.Experimental;

/**
 * {@code torchaudio.transforms.Resample(orig, new)} with its defaults ({@code sinc_interp_hann},
 * {@code lowpass_filter_width} 6, {@code rolloff} 0.99), which the reference applies to every prompt not at
 * 24 kHz (docs/spec/codec.md §5.3; {@code _get_sinc_resample_kernel}, {@code _apply_sinc_resample_kernel}).
 *
 * <p>The rates are reduced by their gcd to {@code o} input and {@code n} output samples per block. The
 * polyphase kernel {@code [n][2·width + o]} is computed in double and stored as float32, as torchaudio's
 * buffer is; its phase offsets {@code -j/n} are rounded to float32 first, because torchaudio divides an
 * integer tensor, and only with that rounding is the kernel bit-identical. The signal, zero-padded by
 * {@code width} on the left and {@code width + o} on the right, is convolved with stride {@code o}; output
 * {@code i·n + j} is phase {@code j} of block {@code i}. Immutable and thread-safe.
 */
@Experimental("public for the conformance kit's resampler cases; the facade resamples voices itself")
public final class Resampler {
    private static final int LOWPASS_FILTER_WIDTH = 6;
    private static final double ROLLOFF = 0.99;

    private final int orig;
    private final int target;
    private final int o;
    private final int n;
    private final int width;
    private final int taps;
    private final float[] kernel;

    public Resampler(int origRate, int targetRate) {
        if (origRate <= 0 || targetRate <= 0) {
            throw new IllegalArgumentException("sample rates must be positive: " + origRate + " -> " + targetRate);
        }
        this.orig = origRate;
        this.target = targetRate;
        int g = gcd(origRate, targetRate);
        this.o = origRate / g;
        this.n = targetRate / g;
        double base = Math.min(o, n) * ROLLOFF;
        this.width = (int) Math.ceil(LOWPASS_FILTER_WIDTH * o / base);
        this.taps = 2 * width + o;
        this.kernel = new float[n * taps];
        double scale = base / o;
        for (int j = 0; j < n; j++) {
            double phase = (float) -j / (float) n;
            for (int m = 0; m < taps; m++) {
                double idx = (double) (m - width) / o;
                double t = (phase + idx) * base;
                t = Math.max(-LOWPASS_FILTER_WIDTH, Math.min(LOWPASS_FILTER_WIDTH, t));
                double w = Math.cos(t * Math.PI / LOWPASS_FILTER_WIDTH / 2);
                double window = w * w;
                t *= Math.PI;
                double sinc = t == 0 ? 1.0 : Math.sin(t) / t;
                kernel[j * taps + m] = (float) (sinc * (window * scale));
            }
        }
    }

    /**
     * torchaudio's output length for {@code length} input samples: {@code ceil(n·L/o)}, computed in float32
     * ({@code torch.as_tensor} of a Python float), so it is one sample short of the exact ceiling when float32
     * cannot hold the fraction (44.1 kHz → 24 kHz from L = 240854 on).
     */
    public static long outputLength(int origRate, int targetRate, long length) {
        int g = gcd(origRate, targetRate);
        long on = origRate / g;
        long nn = targetRate / g;
        return (long) Math.ceil((float) ((double) (nn * length) / on));
    }

    /** Resamples {@code x}; returns it unchanged (a copy) when the rates are equal, as torchaudio does. */
    public float[] apply(float[] x) {
        if (orig == target) {
            return x.clone();
        }
        int outLen = Math.toIntExact(outputLength(orig, target, x.length));
        float[] y = new float[outLen];
        // xpad[i] = x[i - width], zero outside
        for (int i = 0; i * n < outLen; i++) {
            int start = i * o - width;
            for (int j = 0; j < n && i * n + j < outLen; j++) {
                int k = j * taps;
                float s = 0f;
                int m0 = Math.max(0, -start);
                int m1 = Math.min(taps, x.length - start);
                for (int m = m0; m < m1; m++) {
                    s += kernel[k + m] * x[start + m];
                }
                y[i * n + j] = s;
            }
        }
        return y;
    }

    /** The polyphase kernel, {@code [phases][taps]} row-major; a copy. */
    public float[] kernel() {
        return kernel.clone();
    }

    /** Output samples per block ({@code n}): the kernel's rows. */
    public int phases() {
        return n;
    }

    /** {@code 2·width + o}: the kernel's columns. */
    public int taps() {
        return taps;
    }

    /** Zero samples padded on the left (torchaudio's {@code width}). */
    public int width() {
        return width;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}

package valle.codec.nn;

/**
 * {@code torch.fft.irfft(S, n)} with the "backward" norm: the real signal of length {@code n} whose one-sided
 * spectrum is {@code S[0 .. n/2]}, i.e. {@code x[m] = (1/n) Σ_k Z[k] e^{2πikm/n}} over the Hermitian extension
 * {@code Z}. As in PyTorch, the imaginary parts of the DC bin (and of the Nyquist bin, for even {@code n}) are
 * ignored. A recursive mixed-radix Cooley-Tukey transform (any {@code n}; 1280 = 2⁸·5 for Vocos) in float32
 * with twiddles from double. Immutable; thread-safe.
 */
public final class RealInverseFft {
    private final int n;
    private final float[] cos;
    private final float[] sin;

    public RealInverseFft(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("FFT size " + n);
        }
        this.n = n;
        this.cos = new float[n];
        this.sin = new float[n];
        for (int k = 0; k < n; k++) {
            double a = 2 * Math.PI * k / n;
            cos[k] = (float) Math.cos(a);
            sin[k] = (float) Math.sin(a);
        }
    }

    public int size() {
        return n;
    }

    /** Bins of the one-sided spectrum: {@code n / 2 + 1}. */
    public int bins() {
        return n / 2 + 1;
    }

    /** {@code out[0 .. n)} from the spectrum's real and imaginary parts {@code [bins]}. */
    public void apply(float[] re, float[] im, float[] out) {
        float[] zr = new float[n];
        float[] zi = new float[n];
        zr[0] = re[0];
        for (int k = 1; k < bins(); k++) {
            boolean nyquist = 2 * k == n;
            zr[k] = re[k];
            zi[k] = nyquist ? 0f : im[k];
            if (!nyquist) {
                zr[n - k] = re[k];
                zi[n - k] = -im[k];
            }
        }
        float[] xr = new float[n];
        float[] xi = new float[n];
        transform(zr, zi, 0, 1, n, xr, xi, 0);
        float scale = 1f / n;
        for (int m = 0; m < n; m++) {
            out[m] = xr[m] * scale;
        }
    }

    /** The naive O(n²) sum in double: the definition {@link #apply} is tested against. */
    public void applySimple(float[] re, float[] im, float[] out) {
        for (int m = 0; m < n; m++) {
            double s = re[0];
            for (int k = 1; k < bins(); k++) {
                double a = 2 * Math.PI * ((long) k * m % n) / n;
                double term = re[k] * Math.cos(a) - (2 * k == n ? 0 : im[k]) * Math.sin(a);
                s += 2 * k == n ? term : 2 * term;
            }
            out[m] = (float) (s / n);
        }
    }

    /**
     * The unnormalised inverse DFT of {@code len} inputs {@code z[start + j·stride]} into {@code out[at ..]}:
     * split by the smallest prime factor {@code p} into {@code p} interleaved sub-transforms, then combine with
     * twiddles {@code e^{+2πi·r·k/len}}.
     */
    private void transform(float[] zr, float[] zi, int start, int stride, int len, float[] outR, float[] outI, int at) {
        if (len == 1) {
            outR[at] = zr[start];
            outI[at] = zi[start];
            return;
        }
        int p = smallestFactor(len);
        int m = len / p;
        // sub-transform r of the inputs r, r + p, ... lands at out[at + r·m ..]
        for (int r = 0; r < p; r++) {
            transform(zr, zi, start + r * stride, stride * p, m, outR, outI, at + r * m);
        }
        float[] tr = new float[p];
        float[] ti = new float[p];
        int step = n / len;
        for (int k = 0; k < m; k++) {
            for (int r = 0; r < p; r++) {
                tr[r] = outR[at + r * m + k];
                ti[r] = outI[at + r * m + k];
            }
            for (int q = 0; q < p; q++) {
                int kk = k + q * m;
                float sr = 0f;
                float si = 0f;
                for (int r = 0; r < p; r++) {
                    int w = (int) ((long) r * kk % len) * step;
                    sr += tr[r] * cos[w] - ti[r] * sin[w];
                    si += tr[r] * sin[w] + ti[r] * cos[w];
                }
                outR[at + kk] = sr;
                outI[at + kk] = si;
            }
        }
    }

    private static int smallestFactor(int len) {
        for (int f = 2; f * f <= len; f++) {
            if (len % f == 0) {
                return f;
            }
        }
        return len;
    }
}

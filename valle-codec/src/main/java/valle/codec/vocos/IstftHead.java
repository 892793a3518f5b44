package valle.codec.vocos;

import valle.codec.io.WeightBinder;
import valle.codec.nn.Dense;
import valle.codec.nn.RealInverseFft;
import valle.codec.nn.Taps;
import valle.kit.thread.KernelPool;

/**
 * Vocos' {@code ISTFTHead} with {@code padding="same"} (docs/spec/codec.md §3.4): a linear layer to
 * {@code n_fft + 2} values per frame, split into log-magnitude {@code a} and phase {@code p};
 * {@code mag = min(exp(a), 100)} (clipped from above only); {@code S = mag·(cos p + i sin p)}. Then Vocos' own
 * ISTFT (not {@code torch.istft}): each frame's {@code irfft} times the window, overlap-added at the hop into
 * {@code (T-1)·hop + n_fft} samples, divided by the same overlap-add of the squared window, with
 * {@code (n_fft - hop)/2} samples cut at both ends: {@code hop·T} samples.
 */
final class IstftHead {
    private static final float MAX_MAGNITUDE = 100f;
    /** Frames per task of the per-frame inverse FFTs. */
    private static final int FRAME_BLOCK = 16;

    private final int bins;
    private final int nFft;
    private final int hop;
    private final Dense out;
    private final float[] window;
    private final RealInverseFft fft;

    IstftHead(WeightBinder w, VocosConfig c) {
        this.nFft = c.nFft();
        this.hop = c.hop();
        this.bins = c.bins();
        this.out = new Dense(2 * bins, c.dim(), w.take("head.out.weight", 2 * bins, c.dim()), w.take("head.out.bias", 2 * bins));
        // the window is a constant of the architecture, not a learned weight: random models get the real one
        this.window = w.isRandom() ? w.handOut("head.istft.window", new int[] {nFft}, hann(nFft))
                : w.take("head.istft.window", nFft);
        this.fft = new RealInverseFft(nFft);
    }

    /** The periodic Hann window {@code 0.5 - 0.5·cos(2πn/N)} ({@code torch.hann_window}'s default). */
    static float[] hann(int n) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) (0.5 - 0.5 * Math.cos(2 * Math.PI * i / n));
        }
        return w;
    }

    /** Backbone rows {@code [T, dim]} to {@code hop·T} samples. */
    float[] apply(float[] x, int frames, KernelPool par, Taps taps) {
        float[] y = out.apply(x, frames, par);
        float[] mag = new float[frames * bins];
        float[] phase = new float[frames * bins];
        for (int t = 0; t < frames; t++) {
            for (int f = 0; f < bins; f++) {
                mag[t * bins + f] = Math.min((float) Math.exp(y[t * 2 * bins + f]), MAX_MAGNITUDE);
                phase[t * bins + f] = y[t * 2 * bins + bins + f];
            }
        }
        if (taps != Taps.NONE) {
            taps.put("vocos_mag", new int[] {bins, frames}, columns(mag, frames));
            taps.put("vocos_phase", new int[] {bins, frames}, columns(phase, frames));
        }
        float[] windowed = new float[frames * nFft];
        int blocks = (frames + FRAME_BLOCK - 1) / FRAME_BLOCK;
        par.forEach(blocks, b -> {
            float[] re = new float[bins];
            float[] im = new float[bins];
            float[] frame = new float[nFft];
            for (int t = b * FRAME_BLOCK; t < Math.min(frames, (b + 1) * FRAME_BLOCK); t++) {
                for (int f = 0; f < bins; f++) {
                    float m = mag[t * bins + f];
                    float p = phase[t * bins + f];
                    re[f] = m * (float) Math.cos(p);
                    im[f] = m * (float) Math.sin(p);
                }
                fft.apply(re, im, frame);
                for (int i = 0; i < nFft; i++) {
                    windowed[t * nFft + i] = frame[i] * window[i];
                }
            }
        });
        return overlapAdd(windowed, frames);
    }

    private float[] overlapAdd(float[] windowed, int frames) {
        int full = (frames - 1) * hop + nFft;
        float[] signal = new float[full];
        float[] envelope = new float[full];
        for (int t = 0; t < frames; t++) {
            for (int i = 0; i < nFft; i++) {
                signal[t * hop + i] += windowed[t * nFft + i];
                envelope[t * hop + i] += window[i] * window[i];
            }
        }
        int pad = (nFft - hop) / 2;
        float[] audio = new float[frames * hop];
        for (int i = 0; i < audio.length; i++) {
            float e = envelope[pad + i];
            if (!(e > 1e-11f)) {
                throw new IllegalStateException("the ISTFT window envelope vanishes at sample " + i
                        + " (window and hop do not overlap-add)");
            }
            audio[i] = signal[pad + i] / e;
        }
        return audio;
    }

    /** Frame-major {@code [T, bins]} to bin-major {@code [bins, T]}, the golden layout. */
    private float[] columns(float[] rows, int frames) {
        float[] out = new float[rows.length];
        for (int t = 0; t < frames; t++) {
            for (int f = 0; f < bins; f++) {
                out[f * frames + t] = rows[t * bins + f];
            }
        }
        return out;
    }
}

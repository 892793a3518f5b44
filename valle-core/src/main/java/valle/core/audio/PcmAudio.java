package valle.core.audio;

import java.util.Objects;
import valle.api.Stable;

/**
 * Audio samples as {@code torchaudio.load} gives them: float32 {@code [channels][frames]}, integer PCM scaled
 * to [-1, 1) by {@code 2^(bits-1)}, float PCM as stored.
 *
 * @param sampleRate frames per second
 * @param channels   one array per channel, all of one length; used as given, not copied
 */
@Stable(since = "0.1")
public record PcmAudio(int sampleRate, float[][] channels) {

    public PcmAudio {
        Objects.requireNonNull(channels, "channels");
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
        }
        if (channels.length == 0) {
            throw new IllegalArgumentException("audio needs at least one channel");
        }
        for (float[] c : channels) {
            if (c.length != channels[0].length) {
                throw new IllegalArgumentException("channels of " + channels[0].length + " and " + c.length + " frames");
            }
        }
    }

    /** One channel of samples. */
    public static PcmAudio mono(int sampleRate, float[] samples) {
        return new PcmAudio(sampleRate, new float[][] {samples});
    }

    public int frames() {
        return channels[0].length;
    }

    /**
     * The single channel the reference encodes from this audio: of exactly two channels it keeps the first
     * ({@code wav[:1]} in vall-e's {@code encode_from_file}, no down-mix); any other count is averaged over
     * channels ({@code encodec.utils.convert_audio}), which leaves mono as it is.
     */
    public float[] referenceMono() {
        if (channels.length == 1 || channels.length == 2) {
            return channels[0].clone();
        }
        float[] out = new float[frames()];
        for (int t = 0; t < out.length; t++) {
            float sum = 0f;
            for (float[] c : channels) {
                sum += c[t];
            }
            out[t] = sum / channels.length;
        }
        return out;
    }

    /**
     * What the reference feeds its codec: {@link #referenceMono()} resampled to {@code rate} with
     * torchaudio's default resampler ({@link Resampler}); unchanged when the rate already matches.
     */
    public float[] referenceMonoAt(int rate) {
        float[] mono = referenceMono();
        return sampleRate == rate ? mono : new Resampler(sampleRate, rate).apply(mono);
    }
}

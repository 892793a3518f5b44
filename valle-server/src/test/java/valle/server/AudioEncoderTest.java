package valle.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import valle.core.audio.PcmAudio;

/**
 * Each encoder's stream, fed in uneven pieces as sentences come, decodes with the format's standard decoder to the
 * samples sent: exactly for FLAC, to the same length for Opus, to the length plus LAME's delay and padding for MP3.
 */
class AudioEncoderTest {
    private static final int RATE = 24000;
    /** Three "sentences" of lengths that fit no codec's frame. */
    private static final int[] PIECES = {10_007, 1, 23_456};

    @TempDir
    Path tmp;

    @Test
    void flacIsLosslessForEveryKindOfBlock() throws Exception {
        float[] signal = signal();
        // a silent stretch makes constant subframes, noise verbatim ones, speech-like audio fixed predictors
        java.util.Arrays.fill(signal, 5000, 9200, 0.25f);
        PcmAudio decoded = StandardDecoder.FLAC.decode(encode(AudioFormat.FLAC, signal), tmp);
        assertEquals(RATE, decoded.sampleRate());
        float[] want = new float[signal.length];
        for (int i = 0; i < want.length; i++) {
            want[i] = Pcm16.of(signal[i]) / 32768f;
        }
        assertArrayEquals(want, decoded.channels()[0]);
    }

    @Test
    void flacOfAnEmptyStreamIsAValidEmptyFile() throws Exception {
        AudioEncoder e = AudioFormat.FLAC.encoder(RATE);
        assertEquals(0, StandardDecoder.FLAC.decode(e.finish(), tmp).frames());
    }

    @Test
    void opusDecodesToTheSamplesSentAndSoundsLikeThem() throws Exception {
        float[] signal = signal();
        PcmAudio decoded = StandardDecoder.OPUS.decode(encode(AudioFormat.OPUS, signal), tmp);
        assertEquals(RATE, decoded.sampleRate());
        assertEquals(signal.length, decoded.frames());
        // lossy, but the same sound: the error is small against the signal
        assertTrue(snr(signal, decoded.channels()[0], 0) > 10, "SNR " + snr(signal, decoded.channels()[0], 0));
    }

    @Test
    void mp3DecodesToTheSamplesSentPlusLameDelayAndPadding() throws Exception {
        float[] signal = signal();
        PcmAudio decoded = StandardDecoder.MP3.decode(encode(AudioFormat.MP3, signal), tmp);
        assertEquals(RATE, decoded.sampleRate());
        int extra = decoded.frames() - signal.length;
        // LAME's delay (576 + 529) before the audio, and the last frame's padding (MPEG-2 frames are 576 samples)
        assertTrue(extra >= 0 && extra <= 1105 + 2 * 576, "decoded " + decoded.frames() + " for " + signal.length);
        // the audio starts after the delay (where mpg123 drops part of it): the best alignment is within it
        int delay = 0;
        for (int d = 1; d <= extra; d++) {
            if (snr(signal, decoded.channels()[0], d) > snr(signal, decoded.channels()[0], delay)) {
                delay = d;
            }
        }
        assertTrue(snr(signal, decoded.channels()[0], delay) > 10, "SNR " + snr(signal, decoded.channels()[0], delay)
                + " at delay " + delay);
    }

    static byte[] encode(AudioFormat format, float[] signal) {
        AudioEncoder e = format.encoder(RATE);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        for (int piece : PIECES) {
            out.writeBytes(e.encode(java.util.Arrays.copyOfRange(signal, at, at + piece)));
            at += piece;
        }
        out.writeBytes(e.finish());
        return out.toByteArray();
    }

    /** A vowel-like tone with a little noise: what speech codecs are made for. */
    static float[] signal() {
        Random r = new Random(3);
        int n = java.util.Arrays.stream(PIECES).sum();
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            double t = i / (double) RATE;
            x[i] = (float) (0.3 * Math.sin(2 * Math.PI * 220 * t) + 0.15 * Math.sin(2 * Math.PI * 660 * t)
                    + 0.01 * r.nextGaussian());
        }
        return x;
    }

    /** Signal to error ratio in dB, with the decoded audio {@code delay} samples late. */
    private static double snr(float[] want, float[] got, int delay) {
        double signal = 0;
        double error = 0;
        for (int i = 0; i < want.length && i + delay < got.length; i++) {
            signal += want[i] * want[i];
            double d = want[i] - got[i + delay];
            error += d * d;
        }
        return 10 * Math.log10(signal / error);
    }
}

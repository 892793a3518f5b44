package valle.tck.hostile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * WAV files of every format the reader must accept, each a quarter second of a quiet ramp: integer PCM of 8
 * (unsigned), 16, 24 and 32 bits, float of 32 and 64 bits, {@code WAVE_FORMAT_EXTENSIBLE}, unknown chunks with
 * odd sizes and their pad byte before {@code data}, stereo and five channels, rates from 8 kHz to 96 kHz, and
 * a file shorter than one codec hop.
 */
public final class AcceptedWavs {
    private AcceptedWavs() {
    }

    /** Writes the files into {@code dir}; returns them. */
    public static List<Path> write(Path dir) {
        List<Path> out = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            out.add(write(dir, "pcm8.wav", new WavBytes().fmt(WavBytes.PCM, 1, 16000, 8).chunk("data", ramp(4000, 8)).bytes()));
            out.add(write(dir, "pcm16.wav", new WavBytes().fmt(WavBytes.PCM, 1, 24000, 16).pcm16(6000).bytes()));
            out.add(write(dir, "pcm24.wav", new WavBytes().fmt(WavBytes.PCM, 1, 22050, 24).chunk("data", ramp(5512, 24)).bytes()));
            out.add(write(dir, "pcm32.wav", new WavBytes().fmt(WavBytes.PCM, 1, 44100, 32).chunk("data", ramp(11025, 32)).bytes()));
            out.add(write(dir, "float32.wav", new WavBytes().fmt(WavBytes.FLOAT, 1, 48000, 32).chunk("data", floats(12000, false)).bytes()));
            out.add(write(dir, "float64.wav", new WavBytes().fmt(WavBytes.FLOAT, 1, 8000, 64).chunk("data", floats(2000, true)).bytes()));
            out.add(write(dir, "extensible-pcm16.wav", new WavBytes().extensibleFmt(WavBytes.PCM, 1, 16000, 16).pcm16(4000).bytes()));
            out.add(write(dir, "extensible-float32.wav", new WavBytes().extensibleFmt(WavBytes.FLOAT, 1, 24000, 32)
                    .chunk("data", floats(6000, false)).bytes()));
            out.add(write(dir, "odd-chunks-before-data.wav", new WavBytes().chunk("LIST", new byte[] {'I', 'N', 'F'})
                    .fmt(WavBytes.PCM, 1, 16000, 16).chunk("junk", new byte[5]).pcm16(4000).bytes()));
            out.add(write(dir, "stereo-96k.wav", new WavBytes().fmt(WavBytes.PCM, 2, 96000, 16).pcm16(2 * 24000).bytes()));
            out.add(write(dir, "five-channels.wav", new WavBytes().fmt(WavBytes.PCM, 5, 16000, 16).pcm16(5 * 4000).bytes()));
            out.add(write(dir, "shorter-than-one-hop.wav", new WavBytes().fmt(WavBytes.PCM, 1, 24000, 16).pcm16(100).bytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static Path write(Path dir, String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    /** Integer samples of {@code bits} (8-bit unsigned, as the format stores it). */
    private static byte[] ramp(int samples, int bits) {
        ByteBuffer b = WavBytes.le(samples * bits / 8);
        for (int i = 0; i < samples; i++) {
            double v = (i % 200 - 100) / 400.0;
            switch (bits) {
                case 8 -> b.put((byte) (128 + (int) (v * 127)));
                case 24 -> {
                    int s = (int) (v * 8388607);
                    b.put((byte) s).put((byte) (s >> 8)).put((byte) (s >> 16));
                }
                default -> b.putInt((int) (v * Integer.MAX_VALUE));
            }
        }
        return b.array();
    }

    private static byte[] floats(int samples, boolean doubles) {
        ByteBuffer b = WavBytes.le(samples * (doubles ? 8 : 4));
        for (int i = 0; i < samples; i++) {
            double v = (i % 200 - 100) / 400.0;
            if (doubles) {
                b.putDouble(v);
            } else {
                b.putFloat((float) v);
            }
        }
        return b.array();
    }
}

package valle.tck.hostile;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import valle.tck.hostile.HostileFile.Kind;

/**
 * Broken WAV files: not RIFF/WAVE, RF64, a missing or tiny {@code fmt }, absurd chunk sizes, no {@code data},
 * zero channels, rate 0, unsupported bit depths and codecs (MP3 in WAV), NaN and infinite float samples, and
 * truncated data.
 */
final class WavHostiles {
    private WavHostiles() {
    }

    static List<HostileFile> write(Path dir) {
        Corpus c = new Corpus(dir.resolve("wav"), Kind.WAV, ".wav");
        c.add("not-riff-wave", "ID3\u0004 this is an mp3, not a wav".getBytes(StandardCharsets.US_ASCII), "not a WAV file");
        byte[] rf64 = new WavBytes().fmt(WavBytes.PCM, 1, 16000, 16).pcm16(100).bytes();
        System.arraycopy("RF64".getBytes(StandardCharsets.US_ASCII), 0, rf64, 0, 4);
        c.add("rf64", rf64, "RF64");
        c.add("no-fmt-chunk", new WavBytes().pcm16(100).bytes(), "no 'fmt ' chunk");
        c.add("tiny-fmt-chunk", new WavBytes().chunk("fmt ", new byte[8]).pcm16(100).bytes(), "fewer than the 16");
        c.add("absurd-chunk-size", new WavBytes().fmt(WavBytes.PCM, 1, 16000, 16).chunk("LIST", 0xFFFFFFF0L, new byte[4])
                .pcm16(100).bytes(), "claims");
        c.add("absurd-data-size", new WavBytes().fmt(WavBytes.PCM, 1, 16000, 16).chunk("data", 0xFFFFFFF0L, new byte[200])
                .bytes(), "claims");
        c.add("no-data-chunk", new WavBytes().fmt(WavBytes.PCM, 1, 16000, 16).chunk("LIST", new byte[6]).bytes(),
                "no 'data' chunk");
        c.add("zero-channels", new WavBytes().chunk("fmt ", WavBytes.le(16).putShort((short) 1).putShort((short) 0)
                .putInt(16000).putInt(32000).putShort((short) 2).putShort((short) 16).array()).pcm16(100).bytes(),
                "0 channels");
        c.add("rate-zero", new WavBytes().fmt(WavBytes.PCM, 1, 0, 16).pcm16(100).bytes(), "sample rate");
        c.add("12-bit-pcm", new WavBytes().fmt(WavBytes.PCM, 1, 16000, 12).pcm16(100).bytes(), "12-bit");
        c.add("mp3-in-wav", new WavBytes().fmt(WavBytes.MPEG_LAYER_3, 1, 16000, 0).chunk("data", new byte[64]).bytes(),
                "format tag 85");
        c.add("nan-float-sample", floats(Float.NaN), "NaN");
        c.add("infinite-float-sample", floats(Float.POSITIVE_INFINITY), "Infinity");
        byte[] whole = new WavBytes().fmt(WavBytes.PCM, 1, 16000, 16).pcm16(1000).bytes();
        c.add("truncated-data", Arrays.copyOf(whole, whole.length - 501), "truncated");
        return c.files();
    }

    private static byte[] floats(float bad) {
        java.nio.ByteBuffer b = WavBytes.le(4 * 400);
        for (int i = 0; i < 400; i++) {
            b.putFloat(i == 123 ? bad : 0.01f * (i % 10));
        }
        return new WavBytes().fmt(WavBytes.FLOAT, 1, 24000, 32).chunk("data", b.array()).bytes();
    }
}

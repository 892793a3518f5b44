package valle.core.audio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import valle.api.ModelFormatException;

class WavFileTest {

    @Test
    void pcm16IsScaledBy32768AndDeinterleaved() {
        byte[] wav = wav(1, 2, 16000, 16, samples16(0, 100, -32768, 32767, 16384, -1));
        PcmAudio a = WavFile.parse(wav, "x.wav");
        assertEquals(16000, a.sampleRate());
        assertEquals(3, a.frames());
        assertArrayEquals(new float[] {0f, -1f, 0.5f}, a.channels()[0]);
        assertArrayEquals(new float[] {100 / 32768f, 32767 / 32768f, -1 / 32768f}, a.channels()[1]);
    }

    @Test
    void pcm8And24And32AndFloatAreRead() {
        assertArrayEquals(new float[] {-1f, 0f, 127 / 128f},
                WavFile.parse(wav(1, 1, 8000, 8, new byte[] {0, (byte) 128, (byte) 255}), "u8").channels()[0]);
        byte[] s24 = {0, 0, (byte) 0x80, (byte) 0xff, (byte) 0xff, 0x7f, 1, 0, 0};
        assertArrayEquals(new float[] {-1f, 8388607 / 8388608f, 1 / 8388608f},
                WavFile.parse(wav(1, 1, 8000, 24, s24), "s24").channels()[0]);
        ByteBuffer s32 = le(8).putInt(Integer.MIN_VALUE).putInt(1 << 30);
        assertArrayEquals(new float[] {-1f, 0.5f}, WavFile.parse(wav(1, 1, 8000, 32, s32.array()), "s32").channels()[0]);
        ByteBuffer f32 = le(8).putFloat(0.25f).putFloat(-1.5f);
        assertArrayEquals(new float[] {0.25f, -1.5f}, WavFile.parse(wav(3, 1, 8000, 32, f32.array()), "f32").channels()[0]);
        ByteBuffer f64 = le(8).putDouble(0.125);
        assertArrayEquals(new float[] {0.125f}, WavFile.parse(wav(3, 1, 8000, 64, f64.array()), "f64").channels()[0]);
    }

    @Test
    void extensibleFormatsAndUnknownChunksAreRead() {
        byte[] data = samples16(1000, -1000);
        ByteBuffer b = le(12 + 8 + 40 + 8 + 3 + 1 + 8 + data.length);
        b.put(ascii("RIFF")).putInt(b.capacity() - 8).put(ascii("WAVE"));
        b.put(ascii("fmt ")).putInt(40).putShort((short) 0xFFFE).putShort((short) 1).putInt(24000).putInt(48000)
                .putShort((short) 2).putShort((short) 16).putShort((short) 22).putShort((short) 16).putInt(4)
                .putShort((short) 1).put(new byte[14]);
        b.put(ascii("LIST")).putInt(3).put(new byte[] {1, 2, 3, 0}); // odd chunk, padded to even
        b.put(ascii("data")).putInt(data.length).put(data);
        PcmAudio a = WavFile.parse(b.array(), "ext.wav");
        assertArrayEquals(new float[] {1000 / 32768f, -1000 / 32768f}, a.channels()[0]);
    }

    @Test
    void writtenFilesReadBack(@TempDir Path tmp) {
        float[] x = {0f, 0.5f, -0.25f, 1.5f, -1f};
        Path f = tmp.resolve("out.wav");
        WavFile.write(f, x, 24000, WavFile.Encoding.FLOAT32);
        PcmAudio back = WavFile.read(f);
        assertEquals(24000, back.sampleRate());
        assertArrayEquals(x, back.channels()[0]);
        WavFile.write(f, x, 16000, WavFile.Encoding.PCM16);
        float[] pcm = WavFile.read(f).channels()[0];
        assertArrayEquals(new float[] {0f, 0.5f, -0.25f, 32767 / 32768f, -1f}, pcm);
    }

    @Test
    void aStreamWithUnknownLengthReadsToItsEnd() {
        float[] x = {0.25f, -0.5f, 0.125f};
        for (WavFile.Encoding e : WavFile.Encoding.values()) {
            byte[] head = WavFile.streamHeader(24000, e);
            byte[] body = WavFile.encodeSamples(x, e);
            byte[] stream = java.util.Arrays.copyOf(head, head.length + body.length);
            System.arraycopy(body, 0, stream, head.length, body.length);
            PcmAudio a = WavFile.parse(stream, "stream");
            assertEquals(24000, a.sampleRate());
            assertArrayEquals(WavFile.parse(WavFile.encode(x, 24000, e), "file").channels()[0], a.channels()[0]);
            // the header is that of the whole file but for the sizes
            assertEquals(head.length, WavFile.encode(new float[0], 24000, e).length);
        }
    }

    @Test
    void aFailedWriteLeavesNoFile(@TempDir Path tmp) throws Exception {
        Path missing = tmp.resolve("no/such/dir/out.wav");
        assertThrows(java.io.UncheckedIOException.class,
                () -> WavFile.write(missing, new float[] {0f}, 24000, WavFile.Encoding.FLOAT32));
        try (var files = Files.walk(tmp)) {
            assertEquals(1, files.count(), "only the temp dir itself");
        }
    }

    @Test
    void badFilesAreRefusedNamingTheFileAndTheProblem() {
        byte[] good = wav(1, 1, 16000, 16, samples16(1, 2, 3, 4));
        assertRefused(Arrays.copyOf(good, good.length - 3), "truncated");
        assertRefused(Arrays.copyOf(good, 20), "truncated");
        assertRefused("ID3 not audio at all".getBytes(StandardCharsets.US_ASCII), "not a WAV file");
        assertRefused(wav(6, 1, 8000, 8, new byte[] {1}), "format tag 6");
        assertRefused(wav(1, 1, 8000, 12, new byte[] {1, 2}), "12-bit PCM");
        assertRefused(wav(3, 1, 8000, 16, new byte[] {1, 2}), "16-bit float");
        byte[] odd = wav(1, 2, 16000, 16, samples16(1, 2, 3, 4));
        ByteBuffer.wrap(odd).order(ByteOrder.LITTLE_ENDIAN).putInt(40, 6); // data size not a whole frame
        assertRefused(odd, "not a whole number");
    }

    @Test
    void nonFiniteFloatSamplesAreRefusedNamingWhere() {
        ByteBuffer f32 = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.5f).putFloat(Float.NaN).putFloat(0f);
        assertRefused(wav(3, 1, 8000, 32, f32.array()), "sample 1 of channel 0 is NaN");
        ByteBuffer f64 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(Double.NEGATIVE_INFINITY);
        assertRefused(wav(3, 1, 8000, 64, f64.array()), "sample 0 of channel 0 is -Infinity");
        // a finite double beyond float's range is infinite once narrowed
        ByteBuffer big = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(1e300);
        assertRefused(wav(3, 1, 8000, 64, big.array()), "is Infinity");
    }

    @Test
    void theFormatIsReportedForCheck(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("x.wav");
        Files.write(f, wav(3, 2, 8000, 32, new byte[16]));
        WavFile.Format format = WavFile.format(f);
        assertEquals("float 32-bit", format.describe());
        assertEquals(2, format.channels());
        assertEquals(8000, format.sampleRate());
    }

    @Test
    void referenceMonoKeepsChannelZeroOfStereoAndAveragesOtherCounts() {
        float[] a = {1f, 2f};
        float[] b = {3f, 4f};
        float[] c = {5f, 9f};
        assertArrayEquals(a, new PcmAudio(16000, new float[][] {a, b}).referenceMono());
        assertArrayEquals(new float[] {3f, 5f}, new PcmAudio(16000, new float[][] {a, b, c}).referenceMono());
        assertArrayEquals(a, PcmAudio.mono(24000, a).referenceMonoAt(24000));
        assertEquals(3, PcmAudio.mono(16000, a).referenceMonoAt(24000).length);
    }

    private static void assertRefused(byte[] wav, String problem) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> WavFile.parse(wav, "voice.wav"));
        assertTrue(e.getMessage().startsWith("voice.wav: ") && e.getMessage().contains(problem), e.getMessage());
    }

    static byte[] wav(int tag, int channels, int rate, int bits, byte[] data) {
        int align = channels * Math.max(1, bits / 8);
        ByteBuffer b = le(44 + data.length);
        b.put(ascii("RIFF")).putInt(36 + data.length).put(ascii("WAVE"));
        b.put(ascii("fmt ")).putInt(16).putShort((short) tag).putShort((short) channels).putInt(rate)
                .putInt(rate * align).putShort((short) align).putShort((short) bits);
        b.put(ascii("data")).putInt(data.length).put(data);
        return b.array();
    }

    private static byte[] samples16(int... v) {
        ByteBuffer b = le(2 * v.length);
        for (int s : v) {
            b.putShort((short) s);
        }
        return b.array();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}

package valle.server;

import java.io.ByteArrayOutputStream;
import valle.core.audio.WavFile;

/**
 * A WAV stream whose header says "length unknown" (as ffmpeg writes to a pipe) followed by the samples, or the raw
 * samples alone for OpenAI's {@code pcm}.
 */
final class WavEncoder implements AudioEncoder {
    private final WavFile.Encoding encoding;
    private byte[] header;

    /** @param header the bytes before the first samples (empty for raw PCM) */
    WavEncoder(WavFile.Encoding encoding, byte[] header) {
        this.encoding = encoding;
        this.header = header;
    }

    static WavEncoder wav(int sampleRate) {
        return new WavEncoder(WavFile.Encoding.FLOAT32, WavFile.streamHeader(sampleRate, WavFile.Encoding.FLOAT32));
    }

    static WavEncoder pcm() {
        return new WavEncoder(WavFile.Encoding.PCM16, new byte[0]);
    }

    @Override
    public byte[] encode(float[] samples) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(takeHeader());
        out.writeBytes(WavFile.encodeSamples(samples, encoding));
        return out.toByteArray();
    }

    @Override
    public byte[] finish() {
        return takeHeader();
    }

    private byte[] takeHeader() {
        byte[] h = header;
        header = new byte[0];
        return h;
    }
}

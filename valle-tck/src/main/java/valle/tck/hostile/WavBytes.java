package valle.tck.hostile;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds RIFF/WAVE bytes chunk by chunk, with any field value, sound or not. */
final class WavBytes {
    static final int PCM = 1;
    static final int FLOAT = 3;
    static final int MPEG_LAYER_3 = 0x55;

    private final ByteArrayOutputStream chunks = new ByteArrayOutputStream();

    /** A plain {@code fmt } chunk. */
    WavBytes fmt(int tag, int channels, int rate, int bits) {
        int align = channels * bits / 8;
        return chunk("fmt ", le(16).putShort((short) tag).putShort((short) channels).putInt(rate).putInt(rate * align)
                .putShort((short) align).putShort((short) bits).array());
    }

    /** A {@code WAVE_FORMAT_EXTENSIBLE} {@code fmt } chunk whose sub-format is {@code tag}. */
    WavBytes extensibleFmt(int tag, int channels, int rate, int bits) {
        int align = channels * bits / 8;
        ByteBuffer b = le(40).putShort((short) 0xFFFE).putShort((short) channels).putInt(rate).putInt(rate * align)
                .putShort((short) align).putShort((short) bits).putShort((short) 22).putShort((short) bits).putInt(0)
                .putShort((short) tag);
        b.put(new byte[] {0, 0, 0, 0, 0x10, 0, (byte) 0x80, 0, 0, (byte) 0xAA, 0, 0x38, (byte) 0x9B, 0x71});
        return chunk("fmt ", b.array());
    }

    /** A chunk with its true size and the pad byte an odd size needs. */
    WavBytes chunk(String id, byte[] body) {
        return chunk(id, body.length, body);
    }

    /** A chunk whose size field says {@code declared}, whatever the body. */
    WavBytes chunk(String id, long declared, byte[] body) {
        chunks.writeBytes(id.getBytes(StandardCharsets.US_ASCII));
        chunks.writeBytes(le(4).putInt((int) declared).array());
        chunks.writeBytes(body);
        if (body.length % 2 == 1 && !id.equals("data")) {
            chunks.write(0);
        }
        return this;
    }

    /** The data chunk: {@code frames} 16-bit samples of a quiet ramp per channel. */
    WavBytes pcm16(int samples) {
        ByteBuffer b = le(2 * samples);
        for (int i = 0; i < samples; i++) {
            b.putShort((short) ((i % 200 - 100) * 40));
        }
        return chunk("data", b.array());
    }

    byte[] bytes() {
        byte[] body = chunks.toByteArray();
        return le(12 + body.length).put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(4 + body.length)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII)).put(body).array();
    }

    static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}

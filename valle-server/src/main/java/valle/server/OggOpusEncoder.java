package valle.server;

import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusEncoder;
import io.github.jaredmdobson.concentus.OpusException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Ogg Opus (RFC 7845) through Concentus: 20 ms mono packets at 64 kbit/s, one page per sentence. Opus encodes the
 * server's 24 kHz directly; the stream's granule positions count 48 kHz samples as Opus requires, the header's
 * pre-skip drops the encoder's delay, and the last page's granule position trims the zero padding of the last
 * packet, so a decoder gives back exactly the samples sent.
 */
final class OggOpusEncoder implements AudioEncoder {
    private static final int BITRATE = 64_000;
    private static final int GRANULE_RATE = 48_000;

    private final int sampleRate;
    private final int frame;
    private final int granulePerFrame;
    private final OpusEncoder opus;
    private final OggPageWriter ogg = new OggPageWriter(0x56414c45);  // "VALE"
    private final int preSkip;
    private final short[] pending;
    private final byte[] packet = new byte[4000];
    private int pendingCount;
    private long samplesIn;
    private long granule;
    private boolean started;

    OggOpusEncoder(int sampleRate) {
        if (GRANULE_RATE % sampleRate != 0 || GRANULE_RATE / sampleRate > 6) {
            throw new IllegalArgumentException("Opus encodes 8, 12, 16, 24 or 48 kHz, not " + sampleRate + " Hz");
        }
        this.sampleRate = sampleRate;
        this.frame = sampleRate / 50;
        this.granulePerFrame = GRANULE_RATE / 50;
        try {
            opus = new OpusEncoder(sampleRate, 1, OpusApplication.OPUS_APPLICATION_AUDIO);
        } catch (OpusException e) {
            throw new IllegalStateException("Concentus refused a mono " + sampleRate + " Hz encoder: " + e.getMessage(), e);
        }
        opus.setBitrate(BITRATE);
        this.preSkip = opus.getLookahead() * (GRANULE_RATE / sampleRate);
        this.pending = new short[frame];
    }

    @Override
    public byte[] encode(float[] samples) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        start(out);
        List<byte[]> packets = new ArrayList<>();
        List<Long> granules = new ArrayList<>();
        for (float s : samples) {
            pending[pendingCount++] = Pcm16.of(s);
            samplesIn++;
            if (pendingCount == frame) {
                packets.add(encodePending());
                granules.add(granule);
            }
        }
        if (!packets.isEmpty()) {
            out.writeBytes(ogg.pages(packets, unbox(granules), 0));
        }
        return out.toByteArray();
    }

    @Override
    public byte[] finish() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        start(out);
        // the decoder gives back pre-skip + every sample sent; feed zeros until the encoder has emitted all of them
        long needed = preSkip + samplesIn * (GRANULE_RATE / sampleRate);
        List<byte[]> packets = new ArrayList<>();
        List<Long> granules = new ArrayList<>();
        do {
            Arrays.fill(pending, pendingCount, frame, (short) 0);
            pendingCount = frame;
            packets.add(encodePending());
            granules.add(Math.min(granule, needed));
        } while (granule < needed);
        out.writeBytes(ogg.pages(packets, unbox(granules), OggPageWriter.END));
        return out.toByteArray();
    }

    private byte[] encodePending() {
        int n;
        try {
            n = opus.encode(pending, 0, frame, packet, 0, packet.length);
        } catch (OpusException e) {
            throw new IllegalStateException("Concentus failed on a frame: " + e.getMessage(), e);
        }
        pendingCount = 0;
        granule += granulePerFrame;
        return Arrays.copyOf(packet, n);
    }

    /** The identification and comment headers, each on its own page with granule position 0. */
    private void start(ByteArrayOutputStream out) {
        if (started) {
            return;
        }
        started = true;
        ByteBuffer head = ByteBuffer.allocate(19).order(ByteOrder.LITTLE_ENDIAN);
        head.put("OpusHead".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 1).putShort((short) preSkip)
                .putInt(sampleRate).putShort((short) 0).put((byte) 0);
        out.writeBytes(ogg.pages(List.of(head.array()), new long[] {0}, OggPageWriter.BEGIN));
        byte[] vendor = "valle (Concentus)".getBytes(StandardCharsets.UTF_8);
        ByteBuffer tags = ByteBuffer.allocate(8 + 4 + vendor.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        tags.put("OpusTags".getBytes(StandardCharsets.US_ASCII)).putInt(vendor.length).put(vendor).putInt(0);
        out.writeBytes(ogg.pages(List.of(tags.array()), new long[] {0}, 0));
    }

    private static long[] unbox(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).toArray();
    }
}

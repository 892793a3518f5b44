package valle.server;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Writes the pages of one logical Ogg bitstream (RFC 3533), each holding whole packets. */
final class OggPageWriter {
    static final int BEGIN = 0x02;
    static final int END = 0x04;
    private static final int MAX_SEGMENTS = 255;
    private static final int[] CRC_TABLE = crcTable();

    private final int serial;
    private int sequence;

    OggPageWriter(int serial) {
        this.serial = serial;
    }

    /**
     * The pages for {@code packets} (at least one), as many as the 255-segment limit needs; a packet never spans
     * two pages, so each page's granule position is the one after its last packet.
     *
     * @param granules the granule position after each packet
     * @param flags    {@link #BEGIN} for the first page of the stream, {@link #END} for its last
     */
    byte[] pages(List<byte[]> packets, long[] granules, int flags) {
        if (packets.isEmpty()) {
            throw new IllegalArgumentException("an Ogg page needs at least one packet here");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream lacing = new ByteArrayOutputStream();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        long granule = -1;
        for (int p = 0; p < packets.size(); p++) {
            byte[] packet = packets.get(p);
            int segments = packet.length / 255 + 1;
            if (segments > MAX_SEGMENTS) {
                throw new IllegalArgumentException("a packet of " + packet.length + " bytes does not fit one Ogg page");
            }
            if (lacing.size() + segments > MAX_SEGMENTS) {
                out.writeBytes(page(lacing.toByteArray(), body.toByteArray(), granule, flags & BEGIN));
                flags &= ~BEGIN;
                lacing.reset();
                body.reset();
            }
            for (int s = 0; s < segments - 1; s++) {
                lacing.write(255);
            }
            lacing.write(packet.length % 255);
            body.writeBytes(packet);
            granule = granules[p];
        }
        out.writeBytes(page(lacing.toByteArray(), body.toByteArray(), granule, flags));
        return out.toByteArray();
    }

    private byte[] page(byte[] lacing, byte[] body, long granule, int flags) {
        ByteBuffer b = ByteBuffer.allocate(27 + lacing.length + body.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("OggS".getBytes(StandardCharsets.US_ASCII)).put((byte) 0).put((byte) flags).putLong(granule)
                .putInt(serial).putInt(sequence++).putInt(0).put((byte) lacing.length).put(lacing).put(body);
        byte[] page = b.array();
        int crc = crc(page);
        ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN).putInt(22, crc);
        return page;
    }

    /** Ogg's CRC-32: polynomial 0x04C11DB7, not reflected, initial value and final xor 0, over the page whose CRC field is 0. */
    static int crc(byte[] page) {
        int crc = 0;
        for (byte x : page) {
            crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ x) & 0xFF];
        }
        return crc;
    }

    private static int[] crcTable() {
        int[] table = new int[256];
        for (int i = 0; i < 256; i++) {
            int r = i << 24;
            for (int b = 0; b < 8; b++) {
                r = (r & 0x80000000) != 0 ? (r << 1) ^ 0x04C11DB7 : r << 1;
            }
            table[i] = r;
        }
        return table;
    }
}

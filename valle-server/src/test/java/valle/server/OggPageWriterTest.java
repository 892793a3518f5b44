package valle.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ogg pages: the CRC against the pages of a file that opus-tools' {@code opusenc} wrote, and packet lacing. */
class OggPageWriterTest {

    @Test
    void theCrcOfEveryPageOfAReferenceFileMatches() throws Exception {
        byte[] file;
        try (InputStream in = OggPageWriterTest.class.getResourceAsStream("opusenc-reference.opus")) {
            file = in.readAllBytes();
        }
        List<byte[]> pages = pages(file);
        assertTrue(pages.size() >= 3, "the reference has its two header pages and audio");
        for (byte[] page : pages) {
            int stored = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN).getInt(22);
            byte[] zeroed = page.clone();
            Arrays.fill(zeroed, 22, 26, (byte) 0);
            assertEquals(stored, OggPageWriter.crc(zeroed));
        }
    }

    @Test
    void packetsAreLacedAndSplitAcrossPagesAtTheSegmentLimit() {
        OggPageWriter w = new OggPageWriter(7);
        List<byte[]> packets = new ArrayList<>();
        long[] granules = new long[300];
        for (int i = 0; i < 300; i++) {
            packets.add(new byte[i % 3 == 0 ? 255 : 100]);  // 255 bytes take two segments (255, 0)
            granules[i] = 960L * (i + 1);
        }
        List<byte[]> pages = pages(w.pages(packets, granules, OggPageWriter.BEGIN | OggPageWriter.END));
        assertEquals(2, pages.size());
        ByteBuffer first = ByteBuffer.wrap(pages.get(0)).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer last = ByteBuffer.wrap(pages.get(1)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(OggPageWriter.BEGIN, first.get(5));
        assertEquals(OggPageWriter.END, last.get(5));
        assertEquals(0, first.getInt(18));
        assertEquals(1, last.getInt(18));
        int firstSegments = first.get(26) & 0xFF;
        assertTrue(firstSegments <= 255 && firstSegments > 250, "segments " + firstSegments);
        assertEquals(960L * 300, last.getLong(6));
        int bytes = 0;
        for (byte[] p : packets) {
            bytes += p.length;
        }
        int got = 0;
        for (byte[] page : pages) {
            got += page.length - 27 - (page[26] & 0xFF);
        }
        assertEquals(bytes, got);
    }

    @Test
    void theServersOggOpusHasValidHeadersAndCrcs() {
        byte[] stream = AudioEncoderTest.encode(AudioFormat.OPUS, AudioEncoderTest.signal());
        List<byte[]> pages = pages(stream);
        assertArrayEquals("OpusHead".getBytes(), Arrays.copyOfRange(pages.get(0), 28, 36));
        assertArrayEquals("OpusTags".getBytes(), Arrays.copyOfRange(pages.get(1), 28, 36));
        for (byte[] page : pages) {
            int stored = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN).getInt(22);
            byte[] zeroed = page.clone();
            Arrays.fill(zeroed, 22, 26, (byte) 0);
            assertEquals(stored, OggPageWriter.crc(zeroed));
        }
        assertEquals(OggPageWriter.END, pages.getLast()[5]);
    }

    /** Splits a stream into its pages. */
    static List<byte[]> pages(byte[] stream) {
        List<byte[]> out = new ArrayList<>();
        int at = 0;
        while (at < stream.length) {
            assertEquals("OggS", new String(stream, at, 4, java.nio.charset.StandardCharsets.US_ASCII));
            int segments = stream[at + 26] & 0xFF;
            int size = 27 + segments;
            for (int i = 0; i < segments; i++) {
                size += stream[at + 27 + i] & 0xFF;
            }
            out.add(Arrays.copyOfRange(stream, at, at + size));
            at += size;
        }
        return out;
    }
}

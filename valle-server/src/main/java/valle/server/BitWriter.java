package valle.server;

import java.io.ByteArrayOutputStream;

/** Writes big-endian bit fields, most significant bit first, as FLAC lays out its frames. */
final class BitWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private long bits;
    private int count;

    /** The low {@code n} (0..32) bits of {@code value}. */
    void write(long value, int n) {
        for (int left = n; left > 0; ) {
            int take = Math.min(left, 32);
            left -= take;
            bits = (bits << take) | ((value >>> left) & ((1L << take) - 1));
            count += take;
            while (count >= 8) {
                count -= 8;
                out.write((int) (bits >>> count) & 0xFF);
            }
        }
    }

    /** {@code q} zeros then a one: the unary part of a Rice code. */
    void unary(int q) {
        for (int left = q; left > 0; ) {
            int take = Math.min(left, 32);
            write(0, take);
            left -= take;
        }
        write(1, 1);
    }

    /** Zero bits up to the next byte boundary. */
    void align() {
        if (count > 0) {
            write(0, 8 - count);
        }
    }

    /** The whole bytes written so far (call {@link #align()} first). */
    byte[] toByteArray() {
        return out.toByteArray();
    }
}

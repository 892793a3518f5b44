package valle.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A small FLAC encoder (RFC 9639) for mono 16-bit audio: blocks of 4096 samples, each subframe constant, verbatim
 * or a fixed polynomial predictor of order 0 to 4 (whichever is smallest) with one Rice partition. The stream is
 * written as it comes, so STREAMINFO says "total samples unknown" and carries no MD5, as {@code flac} does when it
 * encodes to a pipe.
 */
final class FlacEncoder implements AudioEncoder {
    static final int BLOCK = 4096;
    private static final int BITS = 16;
    private static final int MAX_RICE = 14;

    private final int sampleRate;
    private final short[] pending = new short[BLOCK];
    private int pendingCount;
    private long frameNumber;
    private boolean started;

    FlacEncoder(int sampleRate) {
        if (sampleRate <= 0 || sampleRate >= 1 << 20) {
            throw new IllegalArgumentException("FLAC cannot carry a sample rate of " + sampleRate + " Hz");
        }
        this.sampleRate = sampleRate;
    }

    @Override
    public byte[] encode(float[] samples) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        start(out);
        for (float s : samples) {
            pending[pendingCount++] = Pcm16.of(s);
            if (pendingCount == BLOCK) {
                out.writeBytes(frame(pending, BLOCK));
                pendingCount = 0;
            }
        }
        return out.toByteArray();
    }

    @Override
    public byte[] finish() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        start(out);
        if (pendingCount > 0) {
            out.writeBytes(frame(pending, pendingCount));
            pendingCount = 0;
        }
        return out.toByteArray();
    }

    private void start(ByteArrayOutputStream out) {
        if (started) {
            return;
        }
        started = true;
        out.writeBytes("fLaC".getBytes(StandardCharsets.US_ASCII));
        BitWriter w = new BitWriter();
        w.write(1, 1);          // the last metadata block
        w.write(0, 7);          // STREAMINFO
        w.write(34, 24);
        w.write(BLOCK, 16);     // min block size (the last block may be shorter)
        w.write(BLOCK, 16);     // max block size
        w.write(0, 24);         // min frame size: unknown
        w.write(0, 24);         // max frame size: unknown
        w.write(sampleRate, 20);
        w.write(0, 3);          // channels - 1
        w.write(BITS - 1, 5);
        w.write(0, 36);         // total samples: unknown
        for (int i = 0; i < 4; i++) {
            w.write(0, 32);     // no MD5 of the audio
        }
        out.writeBytes(w.toByteArray());
    }

    /** One frame of {@code n} samples. */
    byte[] frame(short[] samples, int n) {
        BitWriter w = new BitWriter();
        w.write(0b11111111111110, 14);
        w.write(0, 1);
        w.write(0, 1);          // fixed block size: the header carries the frame number
        w.write(0b0111, 4);     // block size - 1 in 16 bits after the frame number
        w.write(rateCode(sampleRate), 4);
        w.write(0, 4);          // mono
        w.write(0b100, 3);      // 16 bits per sample
        w.write(0, 1);
        utf8(w, frameNumber++);
        w.write(n - 1, 16);
        byte[] header = w.toByteArray();
        w.write(FlacCrc.crc8(header, header.length), 8);
        subframe(w, samples, n);
        w.align();
        byte[] body = w.toByteArray();
        w.write(FlacCrc.crc16(body, body.length), 16);
        return w.toByteArray();
    }

    private static void subframe(BitWriter w, short[] x, int n) {
        boolean constant = true;
        for (int i = 1; i < n && constant; i++) {
            constant = x[i] == x[0];
        }
        if (constant) {
            w.write(0, 8);
            w.write(x[0], BITS);
            return;
        }
        int bestOrder = -1;
        int bestRice = 0;
        long bestBits = (long) BITS * n;  // verbatim
        int[] residual = new int[n];
        for (int order = 0; order <= 4 && order < n; order++) {
            long sum = residuals(x, n, order, residual);
            int rice = riceParameter(sum, n - order);
            long bits = (long) BITS * order + 10 + riceBits(residual, n - order, rice);
            if (bits < bestBits) {
                bestBits = bits;
                bestOrder = order;
                bestRice = rice;
            }
        }
        if (bestOrder < 0) {
            w.write(0b00000010, 8);  // verbatim
            for (int i = 0; i < n; i++) {
                w.write(x[i], BITS);
            }
            return;
        }
        w.write((0b001000 | bestOrder) << 1, 8);
        for (int i = 0; i < bestOrder; i++) {
            w.write(x[i], BITS);
        }
        residuals(x, n, bestOrder, residual);
        w.write(0, 2);              // Rice parameters of 4 bits
        w.write(0, 4);              // one partition
        w.write(bestRice, 4);
        for (int i = 0; i < n - bestOrder; i++) {
            int u = fold(residual[i]);
            w.unary(u >>> bestRice);
            w.write(u, bestRice);
        }
    }

    /** The fixed predictor's residuals for samples {@code order..n-1} into {@code out}; returns their folded sum. */
    static long residuals(short[] x, int n, int order, int[] out) {
        long sum = 0;
        for (int i = order; i < n; i++) {
            int r = switch (order) {
                case 0 -> x[i];
                case 1 -> x[i] - x[i - 1];
                case 2 -> x[i] - 2 * x[i - 1] + x[i - 2];
                case 3 -> x[i] - 3 * x[i - 1] + 3 * x[i - 2] - x[i - 3];
                default -> x[i] - 4 * x[i - 1] + 6 * x[i - 2] - 4 * x[i - 3] + x[i - 4];
            };
            out[i - order] = r;
            sum += Integer.toUnsignedLong(fold(r));
        }
        return sum;
    }

    /** The Rice parameter near the optimum for residuals whose folded values add up to {@code sum}. */
    private static int riceParameter(long sum, int count) {
        int k = 0;
        while (k < MAX_RICE && ((long) count << (k + 1)) < sum) {
            k++;
        }
        return k;
    }

    private static long riceBits(int[] residual, int count, int k) {
        long bits = (long) count * (k + 1);
        for (int i = 0; i < count; i++) {
            bits += fold(residual[i]) >>> k;
        }
        return bits;
    }

    /** Signed to unsigned as FLAC's Rice codes take it: 0, -1, 1, -2, … become 0, 1, 2, 3, …. */
    private static int fold(int r) {
        return (r << 1) ^ (r >> 31);
    }

    /** The frame number in FLAC's UTF-8-like coding (up to 36 bits). */
    private static void utf8(BitWriter w, long v) {
        if (v < 0x80) {
            w.write(v, 8);
            return;
        }
        int extra = v < 0x800 ? 1 : v < 0x10000 ? 2 : v < 0x200000 ? 3 : v < 0x4000000 ? 4 : v < 0x80000000L ? 5 : 6;
        int lead = (0xFF00 >> (extra + 1)) & 0xFF;
        w.write(lead | (v >>> (6 * extra)), 8);
        for (int i = extra - 1; i >= 0; i--) {
            w.write(0x80 | ((v >>> (6 * i)) & 0x3F), 8);
        }
    }

    /** The frame header's code for rates FLAC lists, else 0: "as STREAMINFO says". */
    private static int rateCode(int rate) {
        return switch (rate) {
            case 8000 -> 4;
            case 16000 -> 5;
            case 22050 -> 6;
            case 24000 -> 7;
            case 32000 -> 8;
            case 44100 -> 9;
            case 48000 -> 10;
            case 96000 -> 11;
            default -> 0;
        };
    }
}

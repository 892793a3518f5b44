package valle.codec.nn;

/** The paddings the codecs' convolutions use, on every channel of a {@link Signal}. */
public final class Padding {
    private Padding() {
    }

    /** {@code left} and {@code right} zeros around each channel. */
    public static Signal zeros(Signal x, int left, int right) {
        int len = x.length() + left + right;
        float[] out = new float[x.channels() * len];
        for (int c = 0; c < x.channels(); c++) {
            System.arraycopy(x.data(), c * x.length(), out, c * len + left, x.length());
        }
        return new Signal(x.channels(), len, out);
    }

    /**
     * EnCodec's {@code pad1d(mode='reflect')}: PyTorch reflect padding (a mirror that does not repeat the edge
     * sample: on the left {@code x[left] .. x[1]}, on the right {@code x[L-2] ..}). Reflection needs pads shorter
     * than the input, so when {@code L <= max(left, right)} EnCodec first appends {@code max - L + 1} zeros,
     * reflects, and drops that many samples from the end again; for a one-sample input that turns the
     * reflection into zeros. The padded signal is one of {@code scratch}'s, or {@code x} itself when there is
     * nothing to pad.
     */
    public static Signal reflect(Signal x, int left, int right, Scratch scratch) {
        if (left == 0 && right == 0) {
            return x;
        }
        int max = Math.max(left, right);
        int extra = x.length() <= max ? max - x.length() + 1 : 0;
        Signal src = extra > 0 ? zeros(x, 0, extra) : x;
        int n = src.length();
        int len = n + left + right - extra;
        float[] out = scratch.take(x.channels() * len);
        float[] in = src.data();
        for (int c = 0; c < x.channels(); c++) {
            int s = c * n;
            int d = c * len;
            for (int i = 0; i < left; i++) {
                out[d + i] = in[s + left - i];
            }
            int body = Math.min(n, len - left);
            System.arraycopy(in, s, out, d + left, body);
            for (int i = left + n; i < len; i++) {
                // mirrored about the last sample: position p = i - left past the end reads 2(n-1) - p
                out[d + i] = in[s + 2 * (n - 1) - (i - left)];
            }
        }
        return new Signal(x.channels(), len, out);
    }
}

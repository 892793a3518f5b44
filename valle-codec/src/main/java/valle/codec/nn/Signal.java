package valle.codec.nn;

/**
 * A multi-channel sequence {@code [channels, length]}, channel-major: sample {@code t} of channel {@code c} is
 * {@code data[c * length + t]}. The layout of PyTorch's conv activations with the batch axis dropped.
 */
public record Signal(int channels, int length, float[] data) {

    public Signal {
        if (channels < 0 || length < 0 || data.length != channels * length) {
            throw new IllegalArgumentException(data.length + " values for " + channels + " channels of " + length);
        }
    }

    public static Signal zeros(int channels, int length) {
        return new Signal(channels, length, new float[channels * length]);
    }

    /** Frame-major copy {@code [length][channels]}: the rows a linear layer or an LSTM consumes. */
    public float[] transposed() {
        float[] out = new float[data.length];
        for (int c = 0; c < channels; c++) {
            for (int t = 0; t < length; t++) {
                out[t * channels + c] = data[c * length + t];
            }
        }
        return out;
    }

    /** The signal of frame-major rows {@code [length][channels]}. */
    public static Signal fromRows(float[] rows, int length, int channels) {
        float[] out = new float[rows.length];
        for (int t = 0; t < length; t++) {
            for (int c = 0; c < channels; c++) {
                out[c * length + t] = rows[t * channels + c];
            }
        }
        return new Signal(channels, length, out);
    }

    /**
     * ELU (alpha 1) of every sample, into a signal of {@code scratch}'s: {@code x} above 0, else
     * {@code exp(x) - 1}.
     */
    public Signal elu(Scratch scratch) {
        Signal out = scratch.signal(channels, length);
        for (int i = 0; i < data.length; i++) {
            out.data[i] = elu(data[i]);
        }
        return out;
    }

    /** {@link #elu(Scratch)} over this signal's own samples, for a signal no one reads any more; returns it. */
    public Signal eluInPlace() {
        for (int i = 0; i < data.length; i++) {
            data[i] = elu(data[i]);
        }
        return this;
    }

    /**
     * The subtraction is done in double, which keeps full float32 precision near 0 without {@code Math.expm1}
     * (a pure-Java routine, several times slower than the {@code Math.exp} intrinsic).
     */
    private static float elu(float x) {
        return x > 0 ? x : (float) (Math.exp(x) - 1.0);
    }

    /** Adds another signal of the same shape to this one's samples, for a signal no one else reads; returns it. */
    public Signal addInPlace(Signal other) {
        if (other.channels != channels || other.length != length) {
            throw new IllegalArgumentException("shapes differ: [" + channels + ", " + length + "] and ["
                    + other.channels + ", " + other.length + "]");
        }
        for (int i = 0; i < data.length; i++) {
            data[i] += other.data[i];
        }
        return this;
    }
}

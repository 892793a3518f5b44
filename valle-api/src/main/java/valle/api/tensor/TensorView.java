package valle.api.tensor;

import valle.api.Stable;

/**
 * A read-only view of one named tensor, in row-major order and in the dtype it is stored with (typically a
 * memory-mapped region of a weight file). Reads widen to float32.
 *
 * <p>A 1-D tensor {@code [n]} is one row of {@code n} columns; an N-D tensor {@code [a, b, ..., z]} has
 * {@code a·b·…} rows of {@code z} columns. Views are thread-safe for reading; they stay valid until the
 * model that owns the underlying file is closed, after which reads throw {@link IllegalStateException}.
 */
@Stable(since = "0.1")
public interface TensorView {

    /** The tensor's name in its file, e.g. {@code "model.layers.0.self_attn.q_proj.weight"}. */
    String name();

    DType dtype();

    /** The shape; a fresh copy on each call. */
    int[] shape();

    /** Total element count. */
    default long size() {
        long n = 1;
        for (int d : shape()) {
            n *= d;
        }
        return n;
    }

    /** Size of the last dimension (the row length); 1 for a scalar. */
    default int columns() {
        int[] s = shape();
        return s.length == 0 ? 1 : s[s.length - 1];
    }

    /** Number of rows: the product of every dimension but the last. */
    default int rows() {
        int[] s = shape();
        long r = 1;
        for (int i = 0; i < s.length - 1; i++) {
            r *= s[i];
        }
        return Math.toIntExact(r);
    }

    /**
     * Widens {@code count} consecutive elements starting at flat index {@code start} into {@code dst} at
     * {@code dstOffset}.
     *
     * @throws IndexOutOfBoundsException when the range leaves the tensor or {@code dst}
     */
    void read(long start, float[] dst, int dstOffset, int count);

    /**
     * Says that the reader has copied what it needs of this tensor (a backbone that repacked it into its own
     * layout), so that a view over a memory-mapped file may drop the tensor's pages from the process's resident
     * memory instead of keeping a second copy of the weights resident; reading again is still allowed and brings
     * the pages back from the file. The default does nothing (views that hold no pages of their own).
     */
    default void releaseResidentPages() {
    }

    /** Widens row {@code row} (of {@link #columns()} elements) into {@code dst} at {@code dstOffset}. */
    default void readRow(int row, float[] dst, int dstOffset) {
        int cols = columns();
        read((long) row * cols, dst, dstOffset, cols);
    }

    /**
     * Uses this 2-D view as a linear layer's weight {@code W [out, in]} (the PyTorch layout):
     * {@code y [rows, out] = x [rows, in] · Wᵀ}, accumulating in float32. Each weight row is widened once per
     * call and applied to every input row, so the weight stays in its file dtype.
     */
    default void linear(float[] x, int rows, float[] y) {
        int out = rows();
        int in = columns();
        float[] w = new float[in];
        for (int o = 0; o < out; o++) {
            readRow(o, w, 0);
            for (int r = 0; r < rows; r++) {
                int xOff = r * in;
                float s = 0f;
                for (int c = 0; c < in; c++) {
                    s += x[xOff + c] * w[c];
                }
                y[r * out + o] = s;
            }
        }
    }

    /** The whole tensor widened to a new float32 array; for small tensors (norm weights, biases). */
    default float[] toFloatArray() {
        float[] out = new float[Math.toIntExact(size())];
        read(0, out, 0, out.length);
        return out;
    }
}

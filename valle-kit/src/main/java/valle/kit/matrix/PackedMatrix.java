package valle.kit.matrix;

import valle.api.Stable;
import valle.api.tensor.TensorView;
import valle.api.tensor.WeightFormat;
import valle.kit.thread.KernelPool;
import valle.kit.vector.FloatVectors;
import valle.kit.vector.VectorApi;

/**
 * A linear layer's weight {@code W [out, in]} (PyTorch layout) repacked once, at load, for the kernels:
 * output rows are grouped into panels of {@link #panelWidth()} (two vectors of the machine's preferred
 * width); a panel stores, for each input column {@code k}, its outputs' weights side by side, so that both
 * the matrix-vector and the matrix-matrix kernels read weights as contiguous vectors along the outputs and
 * never reduce across lanes. The last panel is padded with zeros. Narrow formats are packed into 32-bit
 * words so that one integer vector load yields both vectors of a panel row (16-bit: output {@code j} in the
 * low half and {@code j + L} in the high half of lane {@code j}) or two panel rows (int8: bytes for outputs
 * {@code j}, {@code j + L} of column {@code k}, then of column {@code k + 1}), widened by shifts alone.
 *
 * <p>Elements stay in their {@link WeightFormat}: 32-bit floats, 16-bit bf16/f16 patterns widened inside the
 * kernels, or int8 with one scale per output row. {@link #multiply} is the fast path (Vector API, split over
 * a {@link KernelPool}); {@link #multiplySimple} is the plain loop it is tested against.
 */
@Stable(since = "0.1")
public final class PackedMatrix {
    /** A source of weight rows, widened to float32. */
    @FunctionalInterface
    public interface Rows {
        /** Writes weight row {@code row} ({@code in} values) into {@code dst}. */
        void read(int row, float[] dst);
    }

    private static final boolean VECTOR = VectorApi.present();

    final WeightFormat format;
    final int out;
    final int in;
    final int nr;
    final int panels;
    final float[] f32;
    /** bf16 / f16: two 16-bit patterns per word, {@code [panel][k][L]}. */
    final int[] half;
    /** int8: four quantised weights per word, {@code [panel][k / 2][L]}. */
    final int[] int8;
    /** int8 only: the scale of each output row, padded to {@code panels · nr}. */
    final float[] scales;

    private PackedMatrix(WeightFormat format, int out, int in, Rows rows) {
        if (format == WeightFormat.INT4) {
            throw new IllegalArgumentException("int4 weights are not packed by the kit yet: use int8, bf16, f16 or f32");
        }
        if (out < 1 || in < 1) {
            throw new IllegalArgumentException("a weight matrix needs at least one row and column, got [" + out + ", " + in + "]");
        }
        this.format = format;
        this.out = out;
        this.in = in;
        this.nr = panelWidth();
        this.panels = (out + nr - 1) / nr;
        long size = (long) panels * nr * in;
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("weight matrix [" + out + ", " + in + "] is too large for one array");
        }
        this.f32 = format == WeightFormat.F32 ? new float[(int) size] : null;
        this.half = format == WeightFormat.BF16 || format == WeightFormat.F16 ? new int[(int) (size / 2)] : null;
        this.int8 = format == WeightFormat.INT8 ? new int[panels * ((in + 1) / 2) * (nr / 2)] : null;
        this.scales = format == WeightFormat.INT8 ? new float[panels * nr] : null;
        float[] row = new float[in];
        for (int o = 0; o < out; o++) {
            rows.read(o, row);
            if (format == WeightFormat.F16 || format == WeightFormat.INT8) {
                for (int k = 0; k < in; k++) {
                    if (!Float.isFinite(row[k])) {
                        throw new IllegalArgumentException("weight [" + o + ", " + k + "] is " + row[k]
                                + "; " + format + " weights must be finite (check the weight file)");
                    }
                }
            }
            pack(o, row);
        }
    }

    /** Packs {@code w [out, in]} given row by row, in {@code format}. */
    public static PackedMatrix of(WeightFormat format, int out, int in, Rows rows) {
        return new PackedMatrix(format, out, in, rows);
    }

    /** Packs a row-major {@code w [out, in]}. */
    public static PackedMatrix of(WeightFormat format, float[] w, int out, int in) {
        if (w.length != (long) out * in) {
            throw new IllegalArgumentException(w.length + " weights do not make [" + out + ", " + in + "]");
        }
        return new PackedMatrix(format, out, in, (o, dst) -> System.arraycopy(w, o * in, dst, 0, in));
    }

    /**
     * Packs a 2-D tensor view; {@code format == null} keeps the file's dtype (F32, BF16 or F16; the 16-bit
     * patterns are restored exactly from the widened values), or F32 where the view's values do not fit its
     * declared dtype (a view computed on the fly, such as a LoRA-adapted weight over a 16-bit base).
     */
    public static PackedMatrix of(TensorView view, WeightFormat format) {
        return new PackedMatrix(format != null ? format : keptFormat(view), view.rows(), view.columns(),
                (o, dst) -> view.readRow(o, dst, 0));
    }

    /** The view's dtype as a format if every value it reads is exactly representable in it, else F32. */
    public static WeightFormat keptFormat(TensorView... views) {
        WeightFormat f = switch (views[0].dtype()) {
            case F32 -> WeightFormat.F32;
            case BF16 -> WeightFormat.BF16;
            case F16 -> WeightFormat.F16;
        };
        if (f == WeightFormat.F32) {
            return f;
        }
        for (TensorView view : views) {
            if (!exactIn(view, f)) {
                return WeightFormat.F32;
            }
        }
        return f;
    }

    private static boolean exactIn(TensorView view, WeightFormat f) {
        if ((f == WeightFormat.BF16 ? WeightFormat.BF16 : WeightFormat.F16) != switch (view.dtype()) {
            case F32 -> WeightFormat.F32;
            case BF16 -> WeightFormat.BF16;
            case F16 -> WeightFormat.F16;
        }) {
            return false;
        }
        float[] row = new float[view.columns()];
        for (int o = 0; o < view.rows(); o++) {
            view.readRow(o, row, 0);
            for (float v : row) {
                float back = f == WeightFormat.BF16 ? Float.intBitsToFloat((toBf16(v) & 0xffff) << 16)
                        : Float.float16ToFloat(Float.floatToFloat16(v));
                if (Float.floatToRawIntBits(back) != Float.floatToRawIntBits(v) && !Float.isNaN(v)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Outputs per panel: two vectors of the preferred species (16 on AVX2, 32 on AVX-512). */
    public static int panelWidth() {
        return VECTOR ? 2 * FloatVectors.lanes() : 16;
    }

    /** Bits of the vector species the kernels use (0 when the Vector API is absent). */
    public static int vectorBits() {
        return VECTOR ? FloatVectors.lanes() * Float.SIZE : 0;
    }

    /** How the weights are stored. */
    public WeightFormat format() {
        return format;
    }

    /** Rows of {@code W}: outputs per input row. */
    public int outFeatures() {
        return out;
    }

    /** Columns of {@code W}: values per input row. */
    public int inFeatures() {
        return in;
    }

    /** Bytes the kernels stream for one pass over the weights (padding and int8 scales included). */
    public long bytes() {
        return switch (format) {
            case F32 -> 4L * f32.length;
            case BF16, F16 -> 4L * half.length;
            case INT8 -> 4L * int8.length + 4L * scales.length;
            case INT4 -> throw new IllegalStateException("the constructor refuses int4");
        };
    }

    /** Index of weight {@code (o, k)} in {@link #f32}. */
    private int index(int o, int k) {
        return ((o / nr) * in + k) * nr + o % nr;
    }

    /** Index of the word that holds weight {@code (o, k)} in {@link #half}; the half is {@link #halfShift}. */
    private int halfIndex(int o, int k) {
        return ((o / nr) * in + k) * (nr / 2) + o % (nr / 2);
    }

    private int halfShift(int o) {
        return o % nr >= nr / 2 ? 16 : 0;
    }

    /** Index of the word that holds weight {@code (o, k)} in {@link #int8}; the byte is {@link #int8Shift}. */
    private int int8Index(int o, int k) {
        return ((o / nr) * ((in + 1) / 2) + k / 2) * (nr / 2) + o % (nr / 2);
    }

    private int int8Shift(int o, int k) {
        return 8 * (2 * (k % 2) + (o % nr >= nr / 2 ? 1 : 0));
    }

    /** The weight {@code (o, k)} as the kernels see it: widened, int8 dequantised. */
    public float weight(int o, int k) {
        return switch (format) {
            case F32 -> f32[index(o, k)];
            case BF16 -> Float.intBitsToFloat(((half[halfIndex(o, k)] >>> halfShift(o)) & 0xffff) << 16);
            case F16 -> Float.float16ToFloat((short) (half[halfIndex(o, k)] >>> halfShift(o)));
            case INT8 -> (byte) (int8[int8Index(o, k)] >>> int8Shift(o, k)) * scales[o];
            case INT4 -> throw new IllegalStateException("the constructor refuses int4");
        };
    }

    /**
     * {@code y [rows, out] = x [rows, in] · Wᵀ} on the fast path: a streaming matrix-vector kernel for one row,
     * a packed, register-tiled matrix-matrix kernel for more; panels are split over {@code pool}.
     */
    public void multiply(float[] x, int rows, float[] y, KernelPool pool) {
        check(x, rows, y);
        if (!VECTOR) {
            multiplySimple(x, rows, y);
            return;
        }
        if (rows == 1) {
            pool.forRange(panels, 1, (p0, p1) -> PackedKernels.gemv(this, x, y, p0, p1));
        } else if (rows > 0) {
            pool.forRange(panels, 1, (p0, p1) -> PackedKernels.gemm(this, x, rows, y, p0, p1));
        }
    }

    /** The plain loop: one output at a time over {@link #weight}, float32 accumulation in column order. */
    public void multiplySimple(float[] x, int rows, float[] y) {
        check(x, rows, y);
        for (int r = 0; r < rows; r++) {
            for (int o = 0; o < out; o++) {
                float s = 0f;
                for (int k = 0; k < in; k++) {
                    s += weight(o, k) * x[r * in + k];
                }
                y[r * out + o] = s;
            }
        }
    }

    private void check(float[] x, int rows, float[] y) {
        if (x.length < (long) rows * in || y.length < (long) rows * out) {
            throw new IllegalArgumentException("x holds " + x.length + " and y " + y.length + " values; "
                    + rows + " rows need " + (long) rows * in + " and " + (long) rows * out);
        }
    }

    private void pack(int o, float[] row) {
        switch (format) {
            case F32 -> {
                for (int k = 0; k < in; k++) {
                    f32[index(o, k)] = row[k];
                }
            }
            case BF16 -> {
                for (int k = 0; k < in; k++) {
                    half[halfIndex(o, k)] |= (toBf16(row[k]) & 0xffff) << halfShift(o);
                }
            }
            case F16 -> {
                for (int k = 0; k < in; k++) {
                    half[halfIndex(o, k)] |= (Float.floatToFloat16(row[k]) & 0xffff) << halfShift(o);
                }
            }
            case INT8 -> {
                float max = 0f;
                for (float v : row) {
                    max = Math.max(max, Math.abs(v));
                }
                float scale = max == 0f ? 1f : max / 127f;
                scales[o] = scale;
                for (int k = 0; k < in; k++) {
                    int q = Math.round(row[k] / scale);
                    int8[int8Index(o, k)] |= (Math.max(-127, Math.min(127, q)) & 0xff) << int8Shift(o, k);
                }
            }
        }
    }

    /** float32 to bf16, rounding to nearest even (exact for values that came from bf16). */
    static short toBf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        if (Float.isNaN(v)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }
}

package valle.kit.matrix;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import valle.api.Experimental;
import valle.api.Stable;
import valle.api.tensor.TensorView;
import valle.api.tensor.WeightFormat;
import valle.kit.quant.AsymmetricInt4;
import valle.kit.quant.BlockQuantizer;
import valle.kit.quant.SymmetricInt8;
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
 * low half and {@code j + L} in the high half of lane {@code j}), two panel rows (int8: bytes for outputs
 * {@code j}, {@code j + L} of column {@code k}, then of column {@code k + 1}) or four (int4: nibbles in the same
 * order for columns {@code k} to {@code k + 3}), widened by shifts alone.
 *
 * <p>Elements stay in their {@link WeightFormat}: 32-bit floats, 16-bit bf16/f16 patterns widened inside the
 * kernels, or integer codes quantised at load by the kit's {@link BlockQuantizer}s over blocks of
 * {@link #QUANT_BLOCK} columns ({@link SymmetricInt8}: one scale per block; {@link AsymmetricInt4}: a scale and
 * a zero point per block), the same codes every backend stores; each panel keeps its blocks' scales (and zero
 * points) as vectors along the outputs. {@link #multiply} is the fast path (Vector API, split over a
 * {@link KernelPool}); {@link #multiplySimple} is the plain loop it is tested against.
 *
 * <p>The packed weights live off the heap, in the {@link WeightMemory} of the model that packed them (freed when
 * it closes; a product after that throws), or, for a matrix packed without one, in memory the collector frees.
 */
@Stable(since = "0.1")
public final class PackedMatrix {
    /** A source of weight rows, widened to float32. */
    @FunctionalInterface
    public interface Rows {
        /** Writes weight row {@code row} ({@code in} values) into {@code dst}. */
        void read(int row, float[] dst);
    }

    /** Columns per quantisation block of the int8 and int4 formats. */
    public static final int QUANT_BLOCK = BlockQuantizer.DEFAULT_BLOCK;
    private static final boolean VECTOR = VectorApi.present();

    final WeightFormat format;
    final int out;
    final int in;
    final int nr;
    final int panels;
    /** int8 / int4: quantisation blocks per row; the codes are padded to {@code blocks · QUANT_BLOCK} columns. */
    final int blocks;
    /** f32: the weights, {@code [panel][k][nr]} floats in the platform's byte order. */
    final MemorySegment f32;
    /** bf16 / f16: two 16-bit patterns per word, {@code [panel][k][L]}. */
    final MemorySegment half;
    /** int8: four codes per word, {@code [panel][k / 2][L]}; int4: eight, {@code [panel][k / 4][L]}. */
    final MemorySegment codes;
    /** int8 / int4: each block's scale, {@code [panel][block][nr]}. */
    final MemorySegment scales;
    /** int4: each block's zero point (a code, as a float), {@code [panel][block][nr]}. */
    final MemorySegment zeros;
    private final WeightMemory memory;

    private PackedMatrix(WeightFormat format, int out, int in, Rows rows, WeightMemory memory) {
        if (out < 1 || in < 1) {
            throw new IllegalArgumentException("a weight matrix needs at least one row and column, got [" + out + ", " + in + "]");
        }
        this.format = format;
        this.out = out;
        this.in = in;
        this.nr = panelWidth();
        this.panels = (out + nr - 1) / nr;
        this.blocks = (in + QUANT_BLOCK - 1) / QUANT_BLOCK;
        boolean quantised = format == WeightFormat.INT8 || format == WeightFormat.INT4;
        long size = (long) panels * nr * (quantised ? blocks * QUANT_BLOCK : in);
        if (size > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("weight matrix [" + out + ", " + in + "] is too large for one array");
        }
        this.memory = memory;
        this.f32 = format == WeightFormat.F32 ? allocate(memory, size) : null;
        this.half = format == WeightFormat.BF16 || format == WeightFormat.F16 ? allocate(memory, size / 2) : null;
        this.codes = quantised ? allocate(memory, size / (format == WeightFormat.INT8 ? 4 : 8)) : null;
        this.scales = quantised ? allocate(memory, (long) panels * blocks * nr) : null;
        this.zeros = format == WeightFormat.INT4 ? allocate(memory, (long) panels * blocks * nr) : null;
        BlockQuantizer quantizer = quantised ? BlockQuantizer.of(format, QUANT_BLOCK) : null;
        float[] row = new float[in];
        byte[] rowCodes = new byte[in];
        float[] rowScales = new float[blocks];
        byte[] rowZeros = new byte[blocks];
        for (int o = 0; o < out; o++) {
            rows.read(o, row);
            if (format != WeightFormat.F32 && format != WeightFormat.BF16) {
                for (int k = 0; k < in; k++) {
                    if (!Float.isFinite(row[k])) {
                        throw new IllegalArgumentException("weight [" + o + ", " + k + "] is " + row[k]
                                + "; " + format + " weights must be finite (check the weight file)");
                    }
                }
            }
            if (quantizer == null) {
                pack(o, row);
            } else {
                quantizer.quantize(row, 0, in, rowCodes, rowScales, rowZeros);
                packCodes(o, rowCodes, rowScales, rowZeros);
            }
        }
    }

    /** {@code words} zeroed 32-bit words, aligned for the widest vector. */
    private static MemorySegment allocate(WeightMemory memory, long words) {
        return memory.arena().allocate(words * Integer.BYTES, 64);
    }

    /** Packs {@code w [out, in]} given row by row, in {@code format}, into {@code memory}. */
    @Experimental("weight memory off the heap, since the weights left the heap")
    public static PackedMatrix of(WeightFormat format, int out, int in, Rows rows, WeightMemory memory) {
        return new PackedMatrix(format, out, in, rows, memory);
    }

    /** Packs {@code w [out, in]} given row by row, in {@code format}, into memory the collector frees. */
    public static PackedMatrix of(WeightFormat format, int out, int in, Rows rows) {
        return new PackedMatrix(format, out, in, rows, WeightMemory.collected());
    }

    /** Packs a row-major {@code w [out, in]} into memory the collector frees. */
    public static PackedMatrix of(WeightFormat format, float[] w, int out, int in) {
        if (w.length != (long) out * in) {
            throw new IllegalArgumentException(w.length + " weights do not make [" + out + ", " + in + "]");
        }
        return new PackedMatrix(format, out, in, (o, dst) -> System.arraycopy(w, o * in, dst, 0, in),
                WeightMemory.collected());
    }

    /**
     * Packs a 2-D tensor view; {@code format == null} keeps the file's dtype (F32, BF16 or F16; the 16-bit
     * patterns are restored exactly from the widened values), or F32 where the view's values do not fit its
     * declared dtype (a view computed on the fly, such as a LoRA-adapted weight over a 16-bit base).
     */
    public static PackedMatrix of(TensorView view, WeightFormat format) {
        return of(view, format, WeightMemory.collected());
    }

    /** {@link #of(TensorView, WeightFormat)} into {@code memory}. */
    @Experimental("weight memory off the heap, since the weights left the heap")
    public static PackedMatrix of(TensorView view, WeightFormat format, WeightMemory memory) {
        return new PackedMatrix(format != null ? format : keptFormat(view), view.rows(), view.columns(),
                (o, dst) -> view.readRow(o, dst, 0), memory);
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
            case F32 -> f32.byteSize();
            case BF16, F16 -> half.byteSize();
            case INT8 -> codes.byteSize() + scales.byteSize();
            case INT4 -> codes.byteSize() + scales.byteSize() + zeros.byteSize();
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

    /**
     * Index of the word that holds the code of weight {@code (o, k)} in {@link #codes}: {@code 32 / bits} codes
     * a word, so {@code 16 / bits} columns of the panel's two vectors of outputs.
     */
    private int codeIndex(int o, int k, int bits) {
        int columns = 16 / bits;
        return ((o / nr) * (blocks * QUANT_BLOCK / columns) + k / columns) * (nr / 2) + o % (nr / 2);
    }

    /** Where the code of weight {@code (o, k)} sits in its word: columns in order, each low half then high half. */
    private int codeShift(int o, int k, int bits) {
        return bits * (2 * (k % (16 / bits)) + (o % nr >= nr / 2 ? 1 : 0));
    }

    /** Index of the scale (and zero point) of weight {@code (o, k)}'s block. */
    private int blockIndex(int o, int k) {
        return ((o / nr) * blocks + k / QUANT_BLOCK) * nr + o % nr;
    }

    /** The weight {@code (o, k)} as the kernels see it: widened, or dequantised as {@link BlockQuantizer#dequantize} does. */
    public float weight(int o, int k) {
        requireOpen();
        return switch (format) {
            case F32 -> floatAt(f32, index(o, k));
            case BF16 -> Float.intBitsToFloat(((intAt(half, halfIndex(o, k)) >>> halfShift(o)) & 0xffff) << 16);
            case F16 -> Float.float16ToFloat((short) (intAt(half, halfIndex(o, k)) >>> halfShift(o)));
            case INT8 -> (byte) (intAt(codes, codeIndex(o, k, 8)) >>> codeShift(o, k, 8)) * floatAt(scales, blockIndex(o, k));
            case INT4 -> (((intAt(codes, codeIndex(o, k, 4)) >>> codeShift(o, k, 4)) & 15)
                    - (int) floatAt(zeros, blockIndex(o, k))) * floatAt(scales, blockIndex(o, k));
        };
    }

    private static float floatAt(MemorySegment s, int i) {
        return s.getAtIndex(ValueLayout.JAVA_FLOAT, i);
    }

    private static int intAt(MemorySegment s, int i) {
        return s.getAtIndex(ValueLayout.JAVA_INT, i);
    }

    private static void orInt(MemorySegment s, int i, int bits) {
        s.setAtIndex(ValueLayout.JAVA_INT, i, s.getAtIndex(ValueLayout.JAVA_INT, i) | bits);
    }

    /** A product of a closed model's weights is an error naming it, never a read of freed memory. */
    private void requireOpen() {
        MemorySegment any = f32 != null ? f32 : half != null ? half : codes;
        if (!any.scope().isAlive()) {
            throw new IllegalStateException("weight matrix [" + out + ", " + in + "] of " + memory.owner()
                    + " was freed: its model is closed");
        }
    }

    /**
     * {@code y [rows, out] = x [rows, in] · Wᵀ} on the fast path: a streaming matrix-vector kernel for one row,
     * a packed, register-tiled matrix-matrix kernel for more; panels are split over {@code pool}. A row's sums
     * depend only on whether it came alone or with others, never on how many others or where it sits among them.
     */
    public void multiply(float[] x, int rows, float[] y, KernelPool pool) {
        multiplyStacked(x, rows == 1 ? 1 : 0, rows, y, pool);
    }

    /**
     * The products of several inputs stacked in {@code x} in one pass over the weights (the sequences of a
     * batched backbone pass): rows {@code [0, singles)} are one-row inputs, each summed exactly as
     * {@code multiply} sums a row that comes alone, and rows {@code [singles, rows)} are rows of inputs of several
     * rows, each summed exactly as {@code multiply} sums it among its own input's rows. So every input's outputs
     * are bit for bit those of its own {@code multiply}, whatever shares the pass.
     */
    public void multiplyStacked(float[] x, int singles, int rows, float[] y, KernelPool pool) {
        check(x, rows, y);
        if (singles < 0 || singles > rows) {
            throw new IllegalArgumentException(singles + " one-row inputs among " + rows + " rows");
        }
        requireOpen();
        if (!VECTOR) {
            multiplySimple(x, rows, y);
            return;
        }
        if (rows == 0) {
            return;
        }
        if (singles == rows) {
            pool.forRange(panels, 1, (p0, p1) -> PackedKernels.gemv(this, x, rows, y, p0, p1));
        } else if (rows - singles > PackedKernels.rowBlock(in, PackedKernels.TALL)) {
            // more rows than one block: the weights stream past once per row block however the work is split, so
            // the threads take rows instead of panels, and each row is packed once instead of once per thread
            if (singles > 0) {
                pool.forRange(panels, 1, (p0, p1) -> PackedKernels.gemv(this, x, singles, y, p0, p1));
            }
            int tall = PackedKernels.TALL;
            int tiles = (rows - singles + tall - 1) / tall;
            pool.forRange(tiles, 1, (t0, t1) -> PackedKernels.gemm(this, x, singles + t0 * tall,
                    Math.min(rows, singles + t1 * tall), y, 0, panels));
        } else if (singles == 0) {
            pool.forRange(panels, 1, (p0, p1) -> PackedKernels.gemm(this, x, 0, rows, y, p0, p1));
        } else {
            pool.forRange(panels, 1, (p0, p1) -> {
                PackedKernels.gemv(this, x, singles, y, p0, p1);
                PackedKernels.gemm(this, x, singles, rows, y, p0, p1);
            });
        }
    }

    /** The plain loop: one output at a time over {@link #weight}, float32 accumulation in column order. */
    public void multiplySimple(float[] x, int rows, float[] y) {
        check(x, rows, y);
        requireOpen();
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
                    f32.setAtIndex(ValueLayout.JAVA_FLOAT, index(o, k), row[k]);
                }
            }
            case BF16 -> {
                for (int k = 0; k < in; k++) {
                    orInt(half, halfIndex(o, k), (toBf16(row[k]) & 0xffff) << halfShift(o));
                }
            }
            case F16 -> {
                for (int k = 0; k < in; k++) {
                    orInt(half, halfIndex(o, k), (Float.floatToFloat16(row[k]) & 0xffff) << halfShift(o));
                }
            }
            default -> throw new IllegalStateException("quantised rows go through packCodes");
        }
    }

    /**
     * A row's codes into their words, its block scales (and zero points) beside them. The columns that pad the
     * row to whole blocks take the zero point of the row's last block, which restores 0.
     */
    private void packCodes(int o, byte[] rowCodes, float[] rowScales, byte[] rowZeros) {
        int bits = format == WeightFormat.INT8 ? 8 : 4;
        int mask = (1 << bits) - 1;
        for (int k = 0; k < blocks * QUANT_BLOCK; k++) {
            int code = k < in ? rowCodes[k] : rowZeros[blocks - 1];
            orInt(codes, codeIndex(o, k, bits), (code & mask) << codeShift(o, k, bits));
        }
        for (int b = 0; b < blocks; b++) {
            scales.setAtIndex(ValueLayout.JAVA_FLOAT, blockIndex(o, b * QUANT_BLOCK), rowScales[b]);
            if (zeros != null) {
                zeros.setAtIndex(ValueLayout.JAVA_FLOAT, blockIndex(o, b * QUANT_BLOCK), rowZeros[b]);
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

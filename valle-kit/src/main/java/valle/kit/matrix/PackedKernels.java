package valle.kit.matrix;

import static jdk.incubator.vector.VectorOperators.ASHR;
import static jdk.incubator.vector.VectorOperators.I2F;
import static jdk.incubator.vector.VectorOperators.LSHL;
import static jdk.incubator.vector.VectorOperators.LSHR;
import static valle.kit.matrix.PackedMatrix.QUANT_BLOCK;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;
import valle.api.tensor.WeightFormat;
import valle.kit.vector.FloatVectors;

/**
 * The Vector API kernels behind {@link PackedMatrix#multiply}, on the machine's preferred float species. Only
 * loaded when the Vector API module is present.
 *
 * <p>Matrix-vector: each panel's weights stream once, two vectors of outputs per input column, with the
 * columns unrolled by two into independent accumulators so that the FMA latency does not cap the stream; the
 * 16-bit and integer formats are widened in registers by shifts of 32-bit words (one loop per format, so the
 * JIT sees one load shape).
 *
 * <p>No vector crosses a method boundary the JIT might not inline, and the widening is written out in each loop
 * rather than in helpers: a vector passed to or returned from a method that is not inlined is boxed, and the JIT
 * stops inlining a small helper once it has been compiled on its own into more code than it inlines
 * ({@code InlineSmallCode}) or its caller grew past the inlining budget, which depends on what ran before (a bf16
 * product boxed after f16 ones had run, an int8 one after the other formats had). Boxed in an inner loop, the
 * kernels ran some 20 times slower, allocating hundreds of MB per product; {@code PackedMatrixTest} checks that
 * a warm product allocates nothing, at the machine's width and with {@code -XX:UseAVX=2}.
 *
 * <p>Matrix-matrix: the input rows are taken in blocks that stay in L2 (about {@link #ROW_BLOCK_BYTES}) while
 * every panel of the thread streams past them (otherwise each panel would re-read all of {@code x} from L3), and
 * packed into tiles of {@link #TALL} rows interleaved by column, so that a tile's broadcasts come from one
 * sequential stream; for each panel and block of {@link #KC} input columns, the block (widened to float32 once
 * when stored narrower) stays in L1 while a register tile runs over it, its products leaving the registers
 * through a small array.
 */
final class PackedKernels {
    private static final VectorSpecies<Float> FS = FloatVectors.SPECIES;
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, FS.vectorShape());
    private static final int L = FS.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    /** A panel's width, {@link PackedMatrix#panelWidth()}: two vectors of outputs. */
    private static final int NR = 2 * L;
    /** bf16: the pattern in a lane's high half is the top of the float it stands for. */
    private static final int HIGH_HALF = 0xffff0000;
    /**
     * f16: an IEEE half pattern in the high 16 bits of a lane, shifted right by 3 (arithmetically), has its
     * exponent and mantissa where a float keeps them; this keeps them and the sign (masking the sign's copies and
     * the other half's bits), and multiplying by {@link #F16_REBIAS} (2^112) rebiases the exponent, renormalising
     * subnormals too. Infinities and NaNs would come out finite, so {@link PackedMatrix} refuses them at load.
     */
    private static final int F16_BITS = 0x8fffe000;
    private static final float F16_REBIAS = 0x1p112f;
    /** Input columns per block of the matrix-matrix kernel: a 16-32 KB panel slice. */
    static final int KC = 256;
    /** Bytes of input rows kept in L2 while the panels stream past them. */
    static final int ROW_BLOCK_BYTES = 1 << 20;
    /**
     * Rows of the matrix-matrix register tile: 8 rows × 2 vectors (16 accumulators) where there are 32 vector
     * registers (AVX-512); 4 × 2 with AVX2's 16 (measured: a 6-row tile, 12 accumulators, ran slower there).
     */
    static final int TALL = FS.vectorBitSize() >= 512 ? 8 : 4;
    /** Rows of the tile for inputs with fewer rows than {@link #TALL}. */
    static final int SHORT = 4;
    /** A panel's column block widened to float32, off the heap like the weights: the tile kernels read one kind of segment. */
    private static final ThreadLocal<MemorySegment> SCRATCH =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate((long) Float.BYTES * KC * 2 * L, 64));
    /** {@code x} padded to whole quantisation blocks, for the int8 and int4 matrix-vector kernels. */
    private static final ThreadLocal<float[]> PADDED_X = ThreadLocal.withInitial(() -> new float[0]);
    /** The int4 matrix-vector kernel's sums of {@code x} per block. */
    private static final ThreadLocal<float[]> X_SUMS = ThreadLocal.withInitial(() -> new float[0]);
    /** A tile's products, {@code [rows][2L]}, on their way from the registers to {@code y}. */
    private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[8 * 2 * L]);
    /** The row block's tiles interleaved ({@code [tile][k][rows]}), so that a tile's broadcasts share a line. */
    private static final ThreadLocal<float[]> PACKED_ROWS = ThreadLocal.withInitial(() -> new float[0]);

    private PackedKernels() {
    }

    // ---- matrix-vector ----------------------------------------------------------------------------------

    /**
     * {@code rows} independent matrix-vector products (the one-row steps of sequences stacked in one pass): each
     * panel streams from memory once and is re-read from cache for the next rows (f32, bf16, f16 and int8 take
     * the rows in pairs, each load of the panel serving both: four one-row products of a 4096×1024 matrix,
     * measured on one thread, cost 1.1-1.3 times one in f32 instead of 1.7, 2.0 in int8 instead of 3.5), and each
     * row is summed exactly as it is when it comes alone.
     */
    static void gemv(PackedMatrix m, float[] x, int rows, float[] y, int p0, int p1) {
        switch (m.format) {
            case F32 -> gemvF32(m, x, rows, y, p0, p1);
            case BF16 -> gemvBf16(m, x, rows, y, p0, p1);
            case F16 -> gemvF16(m, x, rows, y, p0, p1);
            case INT8 -> gemvInt8(m, x, rows, y, p0, p1);
            case INT4 -> gemvInt4(m, x, rows, y, p0, p1);
        }
    }

    private static void gemvF32(PackedMatrix m, float[] x, int rows, float[] y, int p0, int p1) {
        float[] sums = TILE.get();
        int nr = m.nr;
        int in = m.in;
        MemorySegment w = m.f32;
        for (int p = p0; p < p1; p++) {
            int r = 0;
            // two rows share each load of the panel; each row's sums are those of its own pass
            for (; r + 2 <= rows; r += 2) {
                int xo = r * in;
                int xo1 = xo + in;
                FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0;
                FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
                int i = p * in * nr;
                int k = 0;
                for (; k + 2 <= in; k += 2, i += 2 * nr) {
                    FloatVector w0 = FloatVector.fromMemorySegment(FS, w, 4L * (i), NATIVE);
                    FloatVector w1 = FloatVector.fromMemorySegment(FS, w, 4L * (i + L), NATIVE);
                    FloatVector w2 = FloatVector.fromMemorySegment(FS, w, 4L * (i + nr), NATIVE);
                    FloatVector w3 = FloatVector.fromMemorySegment(FS, w, 4L * (i + nr + L), NATIVE);
                    FloatVector x0 = FloatVector.broadcast(FS, x[xo + k]);
                    FloatVector x1 = FloatVector.broadcast(FS, x[xo + k + 1]);
                    a0 = w0.fma(x0, a0);
                    a1 = w1.fma(x0, a1);
                    a2 = w2.fma(x1, a2);
                    a3 = w3.fma(x1, a3);
                    x0 = FloatVector.broadcast(FS, x[xo1 + k]);
                    x1 = FloatVector.broadcast(FS, x[xo1 + k + 1]);
                    b0 = w0.fma(x0, b0);
                    b1 = w1.fma(x0, b1);
                    b2 = w2.fma(x1, b2);
                    b3 = w3.fma(x1, b3);
                }
                if (k < in) {
                    FloatVector w0 = FloatVector.fromMemorySegment(FS, w, 4L * (i), NATIVE);
                    FloatVector w1 = FloatVector.fromMemorySegment(FS, w, 4L * (i + L), NATIVE);
                    FloatVector x0 = FloatVector.broadcast(FS, x[xo + k]);
                    a0 = w0.fma(x0, a0);
                    a1 = w1.fma(x0, a1);
                    x0 = FloatVector.broadcast(FS, x[xo1 + k]);
                    b0 = w0.fma(x0, b0);
                    b1 = w1.fma(x0, b1);
                }
                a0.add(a2).intoArray(sums, 0);
                a1.add(a3).intoArray(sums, L);
                addRow(sums, 0, y, r * m.out + p * nr, m.out - p * nr, true);
                b0.add(b2).intoArray(sums, 0);
                b1.add(b3).intoArray(sums, L);
                addRow(sums, 0, y, (r + 1) * m.out + p * nr, m.out - p * nr, true);
            }
            for (; r < rows; r++) {
                int xo = r * in;
                FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0;
                int i = p * in * nr;
                int k = 0;
                for (; k + 2 <= in; k += 2, i += 2 * nr) {
                    FloatVector x0 = FloatVector.broadcast(FS, x[xo + k]);
                    FloatVector x1 = FloatVector.broadcast(FS, x[xo + k + 1]);
                    a0 = FloatVector.fromMemorySegment(FS, w, 4L * (i), NATIVE).fma(x0, a0);
                    a1 = FloatVector.fromMemorySegment(FS, w, 4L * (i + L), NATIVE).fma(x0, a1);
                    a2 = FloatVector.fromMemorySegment(FS, w, 4L * (i + nr), NATIVE).fma(x1, a2);
                    a3 = FloatVector.fromMemorySegment(FS, w, 4L * (i + nr + L), NATIVE).fma(x1, a3);
                }
                if (k < in) {
                    FloatVector x0 = FloatVector.broadcast(FS, x[xo + k]);
                    a0 = FloatVector.fromMemorySegment(FS, w, 4L * (i), NATIVE).fma(x0, a0);
                    a1 = FloatVector.fromMemorySegment(FS, w, 4L * (i + L), NATIVE).fma(x0, a1);
                }
                // the sums leave through an array: vectors passed to a method the JIT does not inline are boxed
                a0.add(a2).intoArray(sums, 0);
                a1.add(a3).intoArray(sums, L);
                addRow(sums, 0, y, r * m.out + p * nr, m.out - p * nr, true);
            }
        }
    }

    /**
     * bf16 pairs. The 16-bit formats have a loop each: one loop taking a flag to pick the widening, warmed up on
     * both, stopped inlining the helpers and boxed their vectors.
     */
    private static void gemvBf16(PackedMatrix m, float[] x, int rows, float[] y, int p0, int p1) {
        float[] sums = TILE.get();
        int in = m.in;
        MemorySegment w = m.half;
        for (int p = p0; p < p1; p++) {
            int r = 0;
            // two rows share each load and widening of the panel; each row's sums are those of its own pass
            for (; r + 2 <= rows; r += 2) {
                int xo = r * in;
                int xo1 = xo + in;
                FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0;
                FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
                int i = p * in * L;
                int k = 0;
                for (; k + 2 <= in; k += 2, i += 2 * L) {
                    IntVector v0 = IntVector.fromMemorySegment(IS, w, 4L * (i), NATIVE);
                    IntVector v1 = IntVector.fromMemorySegment(IS, w, 4L * (i + L), NATIVE);
                    FloatVector w0 = v0.lanewise(LSHL, 16).reinterpretAsFloats();
                    FloatVector w1 = v0.and(HIGH_HALF).reinterpretAsFloats();
                    FloatVector w2 = v1.lanewise(LSHL, 16).reinterpretAsFloats();
                    FloatVector w3 = v1.and(HIGH_HALF).reinterpretAsFloats();
                    FloatVector x0 = FloatVector.broadcast(FS, x[xo + k]);
                    FloatVector x1 = FloatVector.broadcast(FS, x[xo + k + 1]);
                    a0 = w0.fma(x0, a0);
                    a1 = w1.fma(x0, a1);
                    a2 = w2.fma(x1, a2);
                    a3 = w3.fma(x1, a3);
                    x0 = FloatVector.broadcast(FS, x[xo1 + k]);
                    x1 = FloatVector.broadcast(FS, x[xo1 + k + 1]);
                    b0 = w0.fma(x0, b0);
                    b1 = w1.fma(x0, b1);
                    b2 = w2.fma(x1, b2);
                    b3 = w3.fma(x1, b3);
                }
                if (k < in) {
                    IntVector v0 = IntVector.fromMemorySegment(IS, w, 4L * (i), NATIVE);
                    FloatVector w0 = v0.lanewise(LSHL, 16).reinterpretAsFloats();
                    FloatVector w1 = v0.and(HIGH_HALF).reinterpretAsFloats();
                    FloatVector x0 = FloatVector.broadcast(FS, x[xo + k]);
                    a0 = w0.fma(x0, a0);
                    a1 = w1.fma(x0, a1);
                    x0 = FloatVector.broadcast(FS, x[xo1 + k]);
                    b0 = w0.fma(x0, b0);
                    b1 = w1.fma(x0, b1);
                }
                a0.add(a2).intoArray(sums, 0);
                a1.add(a3).intoArray(sums, L);
                addRow(sums, 0, y, r * m.out + p * m.nr, m.out - p * m.nr, true);
                b0.add(b2).intoArray(sums, 0);
                b1.add(b3).intoArray(sums, L);
                addRow(sums, 0, y, (r + 1) * m.out + p * m.nr, m.out - p * m.nr, true);
            }
            for (; r < rows; r++) {
                int xo = r * in;
                FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0;
                int i = p * in * L;
                int k = 0;
                for (; k + 2 <= in; k += 2, i += 2 * L) {
                    FloatVector x0 = FloatVector.broadcast(FS, x[xo + k]);
                    FloatVector x1 = FloatVector.broadcast(FS, x[xo + k + 1]);
                    IntVector v0 = IntVector.fromMemorySegment(IS, w, 4L * (i), NATIVE);
                    IntVector v1 = IntVector.fromMemorySegment(IS, w, 4L * (i + L), NATIVE);
                    a0 = v0.lanewise(LSHL, 16).reinterpretAsFloats().fma(x0, a0);
                    a1 = v0.and(HIGH_HALF).reinterpretAsFloats().fma(x0, a1);
                    a2 = v1.lanewise(LSHL, 16).reinterpretAsFloats().fma(x1, a2);
                    a3 = v1.and(HIGH_HALF).reinterpretAsFloats().fma(x1, a3);
                }
                if (k < in) {
                    FloatVector x0 = FloatVector.broadcast(FS, x[xo + k]);
                    IntVector v0 = IntVector.fromMemorySegment(IS, w, 4L * (i), NATIVE);
                    a0 = v0.lanewise(LSHL, 16).reinterpretAsFloats().fma(x0, a0);
                    a1 = v0.and(HIGH_HALF).reinterpretAsFloats().fma(x0, a1);
                }
                // the sums leave through an array: vectors passed to a method the JIT does not inline are boxed
                a0.add(a2).intoArray(sums, 0);
                a1.add(a3).intoArray(sums, L);
                addRow(sums, 0, y, r * m.out + p * m.nr, m.out - p * m.nr, true);
            }
        }
    }

    /** IEEE half pairs, as {@link #gemvBf16}. */
    private static void gemvF16(PackedMatrix m, float[] x, int rows, float[] y, int p0, int p1) {
        float[] sums = TILE.get();
        int in = m.in;
        MemorySegment w = m.half;
        for (int p = p0; p < p1; p++) {
            int r = 0;
            // two rows share each load and widening of the panel; each row's sums are those of its own pass
            for (; r + 2 <= rows; r += 2) {
                int xo = r * in;
                int xo1 = xo + in;
                FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0;
                FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
                int i = p * in * L;
                int k = 0;
                for (; k + 2 <= in; k += 2, i += 2 * L) {
                    IntVector v0 = IntVector.fromMemorySegment(IS, w, 4L * (i), NATIVE);
                    IntVector v1 = IntVector.fromMemorySegment(IS, w, 4L * (i + L), NATIVE);
                    FloatVector w0 = v0.lanewise(LSHL, 16).lanewise(ASHR, 3).and(F16_BITS).reinterpretAsFloats().mul(F16_REBIAS);
                    FloatVector w1 = v0.lanewise(ASHR, 3).and(F16_BITS).reinterpretAsFloats().mul(F16_REBIAS);
                    FloatVector w2 = v1.lanewise(LSHL, 16).lanewise(ASHR, 3).and(F16_BITS).reinterpretAsFloats().mul(F16_REBIAS);
                    FloatVector w3 = v1.lanewise(ASHR, 3).and(F16_BITS).reinterpretAsFloats().mul(F16_REBIAS);
                    FloatVector x0 = FloatVector.broadcast(FS, x[xo + k]);
                    FloatVector x1 = FloatVector.broadcast(FS, x[xo + k + 1]);
                    a0 = w0.fma(x0, a0);
                    a1 = w1.fma(x0, a1);
                    a2 = w2.fma(x1, a2);
                    a3 = w3.fma(x1, a3);
                    x0 = FloatVector.broadcast(FS, x[xo1 + k]);
                    x1 = FloatVector.broadcast(FS, x[xo1 + k + 1]);
                    b0 = w0.fma(x0, b0);
                    b1 = w1.fma(x0, b1);
                    b2 = w2.fma(x1, b2);
                    b3 = w3.fma(x1, b3);
                }
                if (k < in) {
                    IntVector v0 = IntVector.fromMemorySegment(IS, w, 4L * (i), NATIVE);
                    FloatVector w0 = v0.lanewise(LSHL, 16).lanewise(ASHR, 3).and(F16_BITS).reinterpretAsFloats().mul(F16_REBIAS);
                    FloatVector w1 = v0.lanewise(ASHR, 3).and(F16_BITS).reinterpretAsFloats().mul(F16_REBIAS);
                    FloatVector x0 = FloatVector.broadcast(FS, x[xo + k]);
                    a0 = w0.fma(x0, a0);
                    a1 = w1.fma(x0, a1);
                    x0 = FloatVector.broadcast(FS, x[xo1 + k]);
                    b0 = w0.fma(x0, b0);
                    b1 = w1.fma(x0, b1);
                }
                a0.add(a2).intoArray(sums, 0);
                a1.add(a3).intoArray(sums, L);
                addRow(sums, 0, y, r * m.out + p * m.nr, m.out - p * m.nr, true);
                b0.add(b2).intoArray(sums, 0);
                b1.add(b3).intoArray(sums, L);
                addRow(sums, 0, y, (r + 1) * m.out + p * m.nr, m.out - p * m.nr, true);
            }
            for (; r < rows; r++) {
                int xo = r * in;
                FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0;
                int i = p * in * L;
                int k = 0;
                for (; k + 2 <= in; k += 2, i += 2 * L) {
                    FloatVector x0 = FloatVector.broadcast(FS, x[xo + k]);
                    FloatVector x1 = FloatVector.broadcast(FS, x[xo + k + 1]);
                    IntVector v0 = IntVector.fromMemorySegment(IS, w, 4L * (i), NATIVE);
                    IntVector v1 = IntVector.fromMemorySegment(IS, w, 4L * (i + L), NATIVE);
                    a0 = v0.lanewise(LSHL, 16).lanewise(ASHR, 3).and(F16_BITS).reinterpretAsFloats().mul(F16_REBIAS).fma(x0, a0);
                    a1 = v0.lanewise(ASHR, 3).and(F16_BITS).reinterpretAsFloats().mul(F16_REBIAS).fma(x0, a1);
                    a2 = v1.lanewise(LSHL, 16).lanewise(ASHR, 3).and(F16_BITS).reinterpretAsFloats().mul(F16_REBIAS).fma(x1, a2);
                    a3 = v1.lanewise(ASHR, 3).and(F16_BITS).reinterpretAsFloats().mul(F16_REBIAS).fma(x1, a3);
                }
                if (k < in) {
                    FloatVector x0 = FloatVector.broadcast(FS, x[xo + k]);
                    IntVector v0 = IntVector.fromMemorySegment(IS, w, 4L * (i), NATIVE);
                    a0 = v0.lanewise(LSHL, 16).lanewise(ASHR, 3).and(F16_BITS).reinterpretAsFloats().mul(F16_REBIAS).fma(x0, a0);
                    a1 = v0.lanewise(ASHR, 3).and(F16_BITS).reinterpretAsFloats().mul(F16_REBIAS).fma(x0, a1);
                }
                // the sums leave through an array: vectors passed to a method the JIT does not inline are boxed
                a0.add(a2).intoArray(sums, 0);
                a1.add(a3).intoArray(sums, L);
                addRow(sums, 0, y, r * m.out + p * m.nr, m.out - p * m.nr, true);
            }
        }
    }

    /**
     * int8 codes: each block's products summed in float32 as they are, then scaled once by the block's scales
     * (one multiply-add per block and output instead of a multiply per weight).
     */
    private static void gemvInt8(PackedMatrix m, float[] x, int rows, float[] y, int p0, int p1) {
        float[] sums = TILE.get();
        float[] xs = padded(x, rows, m);
        MemorySegment w = m.codes;
        MemorySegment scales = m.scales;
        int blocks = m.blocks;
        int width = blocks * QUANT_BLOCK;
        for (int p = p0; p < p1; p++) {
            int r = 0;
            // two rows share each load and widening of the codes; each row's sums are those of its own pass
            for (; r + 2 <= rows; r += 2) {
                int xo = r * width;
                int xo1 = xo + width;
                FloatVector y0 = FloatVector.zero(FS), y1 = y0, z0 = y0, z1 = y0;
                int i = p * blocks * (QUANT_BLOCK / 2) * L;
                for (int b = 0, k = 0, s = p * blocks * NR; b < blocks; b++, s += NR) {
                    FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0;
                    FloatVector c0 = a0, c1 = a0, c2 = a0, c3 = a0;
                    for (int end = k + QUANT_BLOCK; k < end; k += 2, i += L) {
                        IntVector v = IntVector.fromMemorySegment(IS, w, 4L * (i), NATIVE);
                        FloatVector w0 = (FloatVector) v.lanewise(LSHL, 24).lanewise(ASHR, 24).convert(I2F, 0);
                        FloatVector w1 = (FloatVector) v.lanewise(LSHL, 16).lanewise(ASHR, 24).convert(I2F, 0);
                        FloatVector w2 = (FloatVector) v.lanewise(LSHL, 8).lanewise(ASHR, 24).convert(I2F, 0);
                        FloatVector w3 = (FloatVector) v.lanewise(ASHR, 24).convert(I2F, 0);
                        FloatVector x0 = FloatVector.broadcast(FS, xs[xo + k]);
                        FloatVector x1 = FloatVector.broadcast(FS, xs[xo + k + 1]);
                        a0 = w0.fma(x0, a0);
                        a1 = w1.fma(x0, a1);
                        a2 = w2.fma(x1, a2);
                        a3 = w3.fma(x1, a3);
                        x0 = FloatVector.broadcast(FS, xs[xo1 + k]);
                        x1 = FloatVector.broadcast(FS, xs[xo1 + k + 1]);
                        c0 = w0.fma(x0, c0);
                        c1 = w1.fma(x0, c1);
                        c2 = w2.fma(x1, c2);
                        c3 = w3.fma(x1, c3);
                    }
                    FloatVector s0 = FloatVector.fromMemorySegment(FS, scales, 4L * (s), NATIVE);
                    FloatVector s1 = FloatVector.fromMemorySegment(FS, scales, 4L * (s + L), NATIVE);
                    y0 = a0.add(a2).fma(s0, y0);
                    y1 = a1.add(a3).fma(s1, y1);
                    z0 = c0.add(c2).fma(s0, z0);
                    z1 = c1.add(c3).fma(s1, z1);
                }
                y0.intoArray(sums, 0);
                y1.intoArray(sums, L);
                addRow(sums, 0, y, r * m.out + p * NR, m.out - p * NR, true);
                z0.intoArray(sums, 0);
                z1.intoArray(sums, L);
                addRow(sums, 0, y, (r + 1) * m.out + p * NR, m.out - p * NR, true);
            }
            for (; r < rows; r++) {
                int xo = r * width;
                FloatVector y0 = FloatVector.zero(FS), y1 = y0;
                int i = p * blocks * (QUANT_BLOCK / 2) * L;
                for (int b = 0, k = 0, s = p * blocks * NR; b < blocks; b++, s += NR) {
                    FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0;
                    for (int end = k + QUANT_BLOCK; k < end; k += 2, i += L) {
                        FloatVector x0 = FloatVector.broadcast(FS, xs[xo + k]);
                        FloatVector x1 = FloatVector.broadcast(FS, xs[xo + k + 1]);
                        IntVector v = IntVector.fromMemorySegment(IS, w, 4L * (i), NATIVE);
                        a0 = ((FloatVector) v.lanewise(LSHL, 24).lanewise(ASHR, 24).convert(I2F, 0)).fma(x0, a0);
                        a1 = ((FloatVector) v.lanewise(LSHL, 16).lanewise(ASHR, 24).convert(I2F, 0)).fma(x0, a1);
                        a2 = ((FloatVector) v.lanewise(LSHL, 8).lanewise(ASHR, 24).convert(I2F, 0)).fma(x1, a2);
                        a3 = ((FloatVector) v.lanewise(ASHR, 24).convert(I2F, 0)).fma(x1, a3);
                    }
                    y0 = a0.add(a2).fma(FloatVector.fromMemorySegment(FS, scales, 4L * (s), NATIVE), y0);
                    y1 = a1.add(a3).fma(FloatVector.fromMemorySegment(FS, scales, 4L * (s + L), NATIVE), y1);
                }
                // the sums leave through an array: vectors passed to a method the JIT does not inline are boxed
                y0.intoArray(sums, 0);
                y1.intoArray(sums, L);
                addRow(sums, 0, y, r * m.out + p * NR, m.out - p * NR, true);
            }
        }
    }

    /**
     * int4 codes with a zero point per block: {@code Σ (c - z)·s·x = s·(Σ c·x - z·Σ x)}, so the codes are
     * multiplied as they are and each block's zero point meets the block's sum of {@code x} once.
     */
    private static void gemvInt4(PackedMatrix m, float[] x, int rows, float[] y, int p0, int p1) {
        float[] sums = TILE.get();
        float[] xs = padded(x, rows, m);
        float[] xSums = blockSums(xs, rows, m.blocks);
        MemorySegment w = m.codes;
        MemorySegment scales = m.scales;
        MemorySegment zeros = m.zeros;
        int blocks = m.blocks;
        for (int p = p0; p < p1; p++) {
            for (int r = 0; r < rows; r++) {
                int xo = r * blocks * QUANT_BLOCK;
                FloatVector y0 = FloatVector.zero(FS), y1 = y0;
                int i = p * blocks * (QUANT_BLOCK / 4) * L;
                for (int b = 0, k = 0, s = p * blocks * NR; b < blocks; b++, s += NR) {
                    FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0;
                    for (int end = k + QUANT_BLOCK; k < end; k += 4, i += L) {
                        IntVector v = IntVector.fromMemorySegment(IS, w, 4L * (i), NATIVE);
                        FloatVector x0 = FloatVector.broadcast(FS, xs[xo + k]);
                        a0 = ((FloatVector) v.and(15).convert(I2F, 0)).fma(x0, a0);
                        a1 = ((FloatVector) v.lanewise(LSHR, 4).and(15).convert(I2F, 0)).fma(x0, a1);
                        FloatVector x1 = FloatVector.broadcast(FS, xs[xo + k + 1]);
                        a2 = ((FloatVector) v.lanewise(LSHR, 8).and(15).convert(I2F, 0)).fma(x1, a2);
                        a3 = ((FloatVector) v.lanewise(LSHR, 12).and(15).convert(I2F, 0)).fma(x1, a3);
                        FloatVector x2 = FloatVector.broadcast(FS, xs[xo + k + 2]);
                        a0 = ((FloatVector) v.lanewise(LSHR, 16).and(15).convert(I2F, 0)).fma(x2, a0);
                        a1 = ((FloatVector) v.lanewise(LSHR, 20).and(15).convert(I2F, 0)).fma(x2, a1);
                        FloatVector x3 = FloatVector.broadcast(FS, xs[xo + k + 3]);
                        a2 = ((FloatVector) v.lanewise(LSHR, 24).and(15).convert(I2F, 0)).fma(x3, a2);
                        a3 = ((FloatVector) v.lanewise(LSHR, 28).convert(I2F, 0)).fma(x3, a3);
                    }
                    FloatVector minusXSum = FloatVector.broadcast(FS, -xSums[r * blocks + b]);
                    FloatVector z0 = FloatVector.fromMemorySegment(FS, zeros, 4L * (s), NATIVE);
                    FloatVector z1 = FloatVector.fromMemorySegment(FS, zeros, 4L * (s + L), NATIVE);
                    y0 = z0.fma(minusXSum, a0.add(a2)).fma(FloatVector.fromMemorySegment(FS, scales, 4L * (s), NATIVE), y0);
                    y1 = z1.fma(minusXSum, a1.add(a3)).fma(FloatVector.fromMemorySegment(FS, scales, 4L * (s + L), NATIVE), y1);
                }
                // the sums leave through an array: vectors passed to a method the JIT does not inline are boxed
                y0.intoArray(sums, 0);
                y1.intoArray(sums, L);
                addRow(sums, 0, y, r * m.out + p * NR, m.out - p * NR, true);
            }
        }
    }

    /** The {@code rows} rows of {@code x}, each padded with zeros to the codes' whole blocks (this thread's copy). */
    private static float[] padded(float[] x, int rows, PackedMatrix m) {
        int n = m.blocks * QUANT_BLOCK;
        float[] xs = PADDED_X.get();
        if (xs.length < rows * n) {
            xs = new float[rows * n];
            PADDED_X.set(xs);
        }
        for (int r = 0; r < rows; r++) {
            System.arraycopy(x, r * m.in, xs, r * n, m.in);
            java.util.Arrays.fill(xs, r * n + m.in, (r + 1) * n, 0f);
        }
        return xs;
    }

    /** The sum of each block of each padded row of {@code xs}, in column order (this thread's copy). */
    private static float[] blockSums(float[] xs, int rows, int blocks) {
        float[] sums = X_SUMS.get();
        if (sums.length < rows * blocks) {
            sums = new float[rows * blocks];
            X_SUMS.set(sums);
        }
        for (int b = 0; b < rows * blocks; b++) {
            float sum = 0f;
            for (int k = b * QUANT_BLOCK; k < (b + 1) * QUANT_BLOCK; k++) {
                sum += xs[k];
            }
            sums[b] = sum;
        }
        return sums;
    }

    // ---- matrix-matrix ----------------------------------------------------------------------------------

    /** Rows {@code [from, rows)} of {@code x} as one matrix product; each row's sums do not depend on the others. */
    static void gemm(PackedMatrix m, float[] x, int from, int rows, float[] y, int p0, int p1) {
        int nr = m.nr;
        int in = m.in;
        int out = m.out;
        // fewer rows than the tall tile (a stacked CFG decode step) would mostly multiply padding
        int height = rows - from >= TALL ? TALL : SHORT;
        // bf16 in the tall tile widens in registers: two ALU operations beside sixteen FMAs cost less than
        // writing the block out and reading it back (the widening had taken 11-17 % of a NAR-len step)
        boolean bf16InRegisters = m.format == WeightFormat.BF16 && height == 8;
        MemorySegment scratch = m.format == WeightFormat.F32 || bf16InRegisters ? null : SCRATCH.get();
        int rowBlock = rowBlock(in, height);
        float[] tile = TILE.get();
        for (int r0 = from; r0 < rows; r0 += rowBlock) {
            int r1 = Math.min(rows, r0 + rowBlock);
            int tiles = (r1 - r0 + height - 1) / height;
            float[] xp = packRows(x, r0, r1, in, height, rowBlock);
            for (int p = p0; p < p1; p++) {
                int valid = out - p * nr;
                for (int k0 = 0; k0 < in; k0 += KC) {
                    int kc = Math.min(KC, in - k0);
                    MemorySegment b;
                    int bOff;
                    if (bf16InRegisters) {
                        b = m.half;
                        bOff = (p * in + k0) * L;
                    } else if (scratch == null) {
                        b = m.f32;
                        bOff = (p * in + k0) * nr;
                    } else {
                        widen(m, p, k0, kc, scratch);
                        b = scratch;
                        bOff = 0;
                    }
                    boolean first = k0 == 0;
                    for (int t = 0; t < tiles; t++) {
                        int xOff = (t * in + k0) * height;
                        if (bf16InRegisters) {
                            products8Bf16(xp, xOff, b, bOff, kc, tile);
                        } else if (height == 8) {
                            products8(xp, xOff, b, bOff, kc, tile);
                        } else {
                            products4(xp, xOff, b, bOff, kc, tile);
                        }
                        int r = r0 + height * t;
                        for (int rr = 0, n = Math.min(height, r1 - r); rr < n; rr++) {
                            addRow(tile, rr * NR, y, (r + rr) * out + p * nr, valid, first);
                        }
                    }
                }
            }
        }
    }

    /** Rows of inputs {@code in} wide that {@link #gemm} packs and multiplies together: {@link #ROW_BLOCK_BYTES} in whole tiles. */
    static int rowBlock(int in, int height) {
        return Math.max(height, ROW_BLOCK_BYTES / (Float.BYTES * in) / height * height);
    }

    /**
     * Rows {@code [r0, r1)} of {@code x} as tiles of {@code height} rows, interleaved ({@code [tile][k][height]})
     * so that a tile reads its broadcasts in order from one stream; a last, partial tile is padded with zero rows.
     */
    private static float[] packRows(float[] x, int r0, int r1, int in, int height, int rowBlock) {
        int tiles = (r1 - r0 + height - 1) / height;
        float[] xp = PACKED_ROWS.get();
        if (xp.length < tiles * height * in) {
            xp = new float[(rowBlock + height - 1) / height * height * in];
            PACKED_ROWS.set(xp);
        }
        for (int t = 0; t < tiles; t++) {
            for (int rr = 0; rr < height; rr++) {
                int r = r0 + height * t + rr;
                int dst = t * height * in + rr;
                if (r >= r1) {
                    for (int k = 0; k < in; k++) {
                        xp[dst + height * k] = 0f;
                    }
                    continue;
                }
                for (int k = 0, src = r * in; k < in; k++) {
                    xp[dst + height * k] = x[src + k];
                }
            }
        }
        return xp;
    }

    /**
     * One panel's block of {@code kc} columns from {@code k0}, widened to float32 (integer codes dequantised). One
     * method per format: in a method that widened them all, warmed up on several, the JIT stopped inlining the
     * small helpers and boxed their vectors (an int8 product allocated a megabyte after f32, bf16 and f16 ran).
     */
    private static void widen(PackedMatrix m, int p, int k0, int kc, MemorySegment dst) {
        switch (m.format) {
            case F32 -> MemorySegment.copy(m.f32, 4L * (p * m.in + k0) * m.nr, dst, 0, 4L * kc * m.nr);
            case BF16 -> widenBf16(m.half, (p * m.in + k0) * L, kc, dst);
            case F16 -> widenF16(m.half, (p * m.in + k0) * L, kc, dst);
            case INT8 -> widenInt8(m, p, k0, kc, dst);
            case INT4 -> widenInt4(m, p, k0, kc, dst);
        }
    }

    private static void widenBf16(MemorySegment half, int from, int kc, MemorySegment dst) {
        for (int k = 0, i = from; k < kc; k++, i += L) {
            IntVector v = IntVector.fromMemorySegment(IS, half, 4L * (i), NATIVE);
            v.lanewise(LSHL, 16).reinterpretAsFloats().intoMemorySegment(dst, 4L * (k * NR), NATIVE);
            v.and(HIGH_HALF).reinterpretAsFloats().intoMemorySegment(dst, 4L * (k * NR + L), NATIVE);
        }
    }

    private static void widenF16(MemorySegment half, int from, int kc, MemorySegment dst) {
        for (int k = 0, i = from; k < kc; k++, i += L) {
            IntVector v = IntVector.fromMemorySegment(IS, half, 4L * (i), NATIVE);
            v.lanewise(LSHL, 16).lanewise(ASHR, 3).and(F16_BITS).reinterpretAsFloats().mul(F16_REBIAS).intoMemorySegment(dst, 4L * (k * NR), NATIVE);
            v.lanewise(ASHR, 3).and(F16_BITS).reinterpretAsFloats().mul(F16_REBIAS).intoMemorySegment(dst, 4L * (k * NR + L), NATIVE);
        }
    }

    /** int8 codes times their blocks' scales; {@code k0} is a multiple of {@link #KC}, so of the block. */
    private static void widenInt8(PackedMatrix m, int p, int k0, int kc, MemorySegment dst) {
        MemorySegment w = m.codes;
        MemorySegment scales = m.scales;
        int i = (p * m.blocks * QUANT_BLOCK + k0) / 2 * L;
        // a last, odd column is widened with its pair (a code that restores 0): the block has room for it
        for (int k = 0, s = (p * m.blocks + k0 / QUANT_BLOCK) * NR; k < kc; s += NR) {
            FloatVector s0 = FloatVector.fromMemorySegment(FS, scales, 4L * (s), NATIVE);
            FloatVector s1 = FloatVector.fromMemorySegment(FS, scales, 4L * (s + L), NATIVE);
            for (int end = Math.min(kc, k + QUANT_BLOCK); k < end; k += 2, i += L) {
                IntVector v = IntVector.fromMemorySegment(IS, w, 4L * (i), NATIVE);
                ((FloatVector) v.lanewise(LSHL, 24).lanewise(ASHR, 24).convert(I2F, 0)).mul(s0).intoMemorySegment(dst, 4L * (k * NR), NATIVE);
                ((FloatVector) v.lanewise(LSHL, 16).lanewise(ASHR, 24).convert(I2F, 0)).mul(s1).intoMemorySegment(dst, 4L * (k * NR + L), NATIVE);
                ((FloatVector) v.lanewise(LSHL, 8).lanewise(ASHR, 24).convert(I2F, 0)).mul(s0).intoMemorySegment(dst, 4L * ((k + 1) * NR), NATIVE);
                ((FloatVector) v.lanewise(ASHR, 24).convert(I2F, 0)).mul(s1).intoMemorySegment(dst, 4L * ((k + 1) * NR + L), NATIVE);
            }
        }
    }

    /** int4 codes less their blocks' zero points, times their scales, as {@link #widenInt8}. */
    private static void widenInt4(PackedMatrix m, int p, int k0, int kc, MemorySegment dst) {
        MemorySegment w = m.codes;
        MemorySegment scales = m.scales;
        MemorySegment zeros = m.zeros;
        int i = (p * m.blocks * QUANT_BLOCK + k0) / 4 * L;
        for (int k = 0, s = (p * m.blocks + k0 / QUANT_BLOCK) * NR; k < kc; s += NR) {
            FloatVector s0 = FloatVector.fromMemorySegment(FS, scales, 4L * (s), NATIVE);
            FloatVector s1 = FloatVector.fromMemorySegment(FS, scales, 4L * (s + L), NATIVE);
            FloatVector z0 = FloatVector.fromMemorySegment(FS, zeros, 4L * (s), NATIVE);
            FloatVector z1 = FloatVector.fromMemorySegment(FS, zeros, 4L * (s + L), NATIVE);
            for (int end = Math.min(kc, k + QUANT_BLOCK); k < end; k += 4, i += L) {
                IntVector v = IntVector.fromMemorySegment(IS, w, 4L * (i), NATIVE);
                int d = k * NR;
                ((FloatVector) v.and(15).convert(I2F, 0)).sub(z0).mul(s0).intoMemorySegment(dst, 4L * (d), NATIVE);
                ((FloatVector) v.lanewise(LSHR, 4).and(15).convert(I2F, 0)).sub(z1).mul(s1).intoMemorySegment(dst, 4L * (d + L), NATIVE);
                ((FloatVector) v.lanewise(LSHR, 8).and(15).convert(I2F, 0)).sub(z0).mul(s0).intoMemorySegment(dst, 4L * (d + NR), NATIVE);
                ((FloatVector) v.lanewise(LSHR, 12).and(15).convert(I2F, 0)).sub(z1).mul(s1).intoMemorySegment(dst, 4L * (d + NR + L), NATIVE);
                ((FloatVector) v.lanewise(LSHR, 16).and(15).convert(I2F, 0)).sub(z0).mul(s0).intoMemorySegment(dst, 4L * (d + 2 * NR), NATIVE);
                ((FloatVector) v.lanewise(LSHR, 20).and(15).convert(I2F, 0)).sub(z1).mul(s1).intoMemorySegment(dst, 4L * (d + 2 * NR + L), NATIVE);
                ((FloatVector) v.lanewise(LSHR, 24).and(15).convert(I2F, 0)).sub(z0).mul(s0).intoMemorySegment(dst, 4L * (d + 3 * NR), NATIVE);
                ((FloatVector) v.lanewise(LSHR, 28).convert(I2F, 0)).sub(z1).mul(s1).intoMemorySegment(dst, 4L * (d + 3 * NR + L), NATIVE);
            }
        }
    }

    private static void products8(float[] xp, int xOff, MemorySegment b, int bOff, int kc, float[] tile) {
        FloatVector c00 = FloatVector.zero(FS), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
                c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00,
                c70 = c00, c71 = c00;
        // indices computed from k (constant strides) let the JIT hoist the bounds checks out of the loop
        for (int k = 0; k < kc; k++) {
            int i = bOff + k * NR;
            int xk = xOff + 8 * k;
            FloatVector b0 = FloatVector.fromMemorySegment(FS, b, 4L * (i), NATIVE);
            FloatVector b1 = FloatVector.fromMemorySegment(FS, b, 4L * (i + L), NATIVE);
            FloatVector a = FloatVector.broadcast(FS, xp[xk]);
            c00 = b0.fma(a, c00);
            c01 = b1.fma(a, c01);
            a = FloatVector.broadcast(FS, xp[xk + 1]);
            c10 = b0.fma(a, c10);
            c11 = b1.fma(a, c11);
            a = FloatVector.broadcast(FS, xp[xk + 2]);
            c20 = b0.fma(a, c20);
            c21 = b1.fma(a, c21);
            a = FloatVector.broadcast(FS, xp[xk + 3]);
            c30 = b0.fma(a, c30);
            c31 = b1.fma(a, c31);
            a = FloatVector.broadcast(FS, xp[xk + 4]);
            c40 = b0.fma(a, c40);
            c41 = b1.fma(a, c41);
            a = FloatVector.broadcast(FS, xp[xk + 5]);
            c50 = b0.fma(a, c50);
            c51 = b1.fma(a, c51);
            a = FloatVector.broadcast(FS, xp[xk + 6]);
            c60 = b0.fma(a, c60);
            c61 = b1.fma(a, c61);
            a = FloatVector.broadcast(FS, xp[xk + 7]);
            c70 = b0.fma(a, c70);
            c71 = b1.fma(a, c71);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + L);
    }

    /**
     * {@link #products8} over a panel's bf16 block as it is stored, widened in registers: the same floats in the
     * same order, so the same sums as the widened block gives. A copy of its loop rather than a format flag inside
     * it, so that the loop holds one load shape, as the matrix-vector kernels keep one loop per format.
     */
    private static void products8Bf16(float[] xp, int xOff, MemorySegment half, int bOff, int kc, float[] tile) {
        FloatVector c00 = FloatVector.zero(FS), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
                c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00,
                c70 = c00, c71 = c00;
        for (int k = 0; k < kc; k++) {
            int i = bOff + k * L;
            int xk = xOff + 8 * k;
            // a lane holds column k's weights for outputs j (low half) and j + L (high half), as widenBf16 reads them
            IntVector v = IntVector.fromMemorySegment(IS, half, 4L * (i), NATIVE);
            FloatVector b0 = v.lanewise(LSHL, 16).reinterpretAsFloats();
            FloatVector b1 = v.and(HIGH_HALF).reinterpretAsFloats();
            FloatVector a = FloatVector.broadcast(FS, xp[xk]);
            c00 = b0.fma(a, c00);
            c01 = b1.fma(a, c01);
            a = FloatVector.broadcast(FS, xp[xk + 1]);
            c10 = b0.fma(a, c10);
            c11 = b1.fma(a, c11);
            a = FloatVector.broadcast(FS, xp[xk + 2]);
            c20 = b0.fma(a, c20);
            c21 = b1.fma(a, c21);
            a = FloatVector.broadcast(FS, xp[xk + 3]);
            c30 = b0.fma(a, c30);
            c31 = b1.fma(a, c31);
            a = FloatVector.broadcast(FS, xp[xk + 4]);
            c40 = b0.fma(a, c40);
            c41 = b1.fma(a, c41);
            a = FloatVector.broadcast(FS, xp[xk + 5]);
            c50 = b0.fma(a, c50);
            c51 = b1.fma(a, c51);
            a = FloatVector.broadcast(FS, xp[xk + 6]);
            c60 = b0.fma(a, c60);
            c61 = b1.fma(a, c61);
            a = FloatVector.broadcast(FS, xp[xk + 7]);
            c70 = b0.fma(a, c70);
            c71 = b1.fma(a, c71);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + L);
    }

    private static void products4(float[] xp, int xOff, MemorySegment b, int bOff, int kc, float[] tile) {
        FloatVector c00 = FloatVector.zero(FS), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
                c30 = c00, c31 = c00;
        for (int k = 0; k < kc; k++) {
            int i = bOff + k * NR;
            int xk = xOff + 4 * k;
            FloatVector b0 = FloatVector.fromMemorySegment(FS, b, 4L * (i), NATIVE);
            FloatVector b1 = FloatVector.fromMemorySegment(FS, b, 4L * (i + L), NATIVE);
            FloatVector a = FloatVector.broadcast(FS, xp[xk]);
            c00 = b0.fma(a, c00);
            c01 = b1.fma(a, c01);
            a = FloatVector.broadcast(FS, xp[xk + 1]);
            c10 = b0.fma(a, c10);
            c11 = b1.fma(a, c11);
            a = FloatVector.broadcast(FS, xp[xk + 2]);
            c20 = b0.fma(a, c20);
            c21 = b1.fma(a, c21);
            a = FloatVector.broadcast(FS, xp[xk + 3]);
            c30 = b0.fma(a, c30);
            c31 = b1.fma(a, c31);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
    }

    /**
     * One row of a tile's products for a column block into {@code y}: stored for the first block, else added to
     * what the earlier blocks left (every tile height adds a block's sum to {@code y} the same way, so an output
     * does not depend on the tile its row fell in). Vectors stay inside: passed to a method the JIT does not
     * inline, a vector is boxed, and a boxed accumulator can make the whole caller run on heap objects.
     */
    private static void addRow(float[] tile, int tOff, float[] y, int off, int valid, boolean first) {
        if (valid >= NR) {
            FloatVector lo = FloatVector.fromArray(FS, tile, tOff);
            FloatVector hi = FloatVector.fromArray(FS, tile, tOff + L);
            if (!first) {
                lo = lo.add(FloatVector.fromArray(FS, y, off));
                hi = hi.add(FloatVector.fromArray(FS, y, off + L));
            }
            lo.intoArray(y, off);
            hi.intoArray(y, off + L);
        } else {
            // the last panel's padding lanes have no place in y
            for (int j = 0; j < valid; j++) {
                y[off + j] = first ? tile[tOff + j] : tile[tOff + j] + y[off + j];
            }
        }
    }
}

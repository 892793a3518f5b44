package valle.kit.matrix;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import valle.api.tensor.WeightFormat;
import valle.kit.vector.FloatVectors;

/**
 * The Vector API kernels behind {@link PackedMatrix#multiply}, on the machine's preferred float species. Only
 * loaded when the Vector API module is present.
 *
 * <p>Matrix-vector: each panel's weights stream once, two vectors of outputs per input column, with the
 * columns unrolled by two into independent accumulators so that the FMA latency does not cap the stream; the
 * 16-bit and int8 formats are widened in registers by shifts of 32-bit words (one loop per format, so the JIT
 * sees one load shape).
 *
 * <p>Matrix-matrix: the input rows are taken in blocks that stay in L2 (about {@link #ROW_BLOCK_BYTES}) while
 * every panel of the thread streams past them (otherwise each panel would re-read all of {@code x} from L3);
 * for each panel and block of {@link #KC} input columns, the block (widened to float32 once when stored
 * narrower) stays in L1 while a register tile runs over it: 8 input rows × 2 vectors of outputs (16
 * accumulators, one broadcast per two multiply-adds) where there are 32 vector registers (AVX-512), else 4
 * rows × 2 vectors (8 accumulators, within AVX2's 16 registers).
 */
final class PackedKernels {
    private static final VectorSpecies<Float> FS = FloatVectors.SPECIES;
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, FS.vectorShape());
    private static final int L = FS.length();
    /** A panel's width, {@link PackedMatrix#panelWidth()}: two vectors of outputs. */
    private static final int NR = 2 * L;
    /** Input columns per block of the matrix-matrix kernel: a 16-32 KB panel slice. */
    static final int KC = 256;
    /** Bytes of input rows kept in L2 while the panels stream past them. */
    static final int ROW_BLOCK_BYTES = 1 << 20;
    /** Whether the 8-row tile fits the registers: 32 of them come with 512-bit vectors. */
    private static final boolean EIGHT_ROWS = FS.vectorBitSize() >= 512;
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[KC * 2 * L]);
    /** An 8-row tile's products, {@code [8][2L]}, on their way from the registers to {@code y}. */
    private static final ThreadLocal<float[]> TILE = ThreadLocal.withInitial(() -> new float[8 * 2 * L]);
    /** The row block's 8-row tiles interleaved ({@code [tile][k][8]}), so that a tile's broadcasts share a line. */
    private static final ThreadLocal<float[]> PACKED_ROWS = ThreadLocal.withInitial(() -> new float[0]);

    private PackedKernels() {
    }

    // ---- matrix-vector ----------------------------------------------------------------------------------

    static void gemv(PackedMatrix m, float[] x, float[] y, int p0, int p1) {
        switch (m.format) {
            case F32 -> gemvF32(m, x, y, p0, p1);
            case BF16 -> gemvHalf(m, x, y, p0, p1, true);
            case F16 -> gemvHalf(m, x, y, p0, p1, false);
            case INT8 -> gemvInt8(m, x, y, p0, p1);
        }
    }

    private static void gemvF32(PackedMatrix m, float[] x, float[] y, int p0, int p1) {
        int nr = m.nr;
        int in = m.in;
        float[] w = m.f32;
        for (int p = p0; p < p1; p++) {
            FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0;
            int i = p * in * nr;
            int k = 0;
            for (; k + 2 <= in; k += 2, i += 2 * nr) {
                FloatVector x0 = FloatVector.broadcast(FS, x[k]);
                FloatVector x1 = FloatVector.broadcast(FS, x[k + 1]);
                a0 = FloatVector.fromArray(FS, w, i).fma(x0, a0);
                a1 = FloatVector.fromArray(FS, w, i + L).fma(x0, a1);
                a2 = FloatVector.fromArray(FS, w, i + nr).fma(x1, a2);
                a3 = FloatVector.fromArray(FS, w, i + nr + L).fma(x1, a3);
            }
            if (k < in) {
                FloatVector x0 = FloatVector.broadcast(FS, x[k]);
                a0 = FloatVector.fromArray(FS, w, i).fma(x0, a0);
                a1 = FloatVector.fromArray(FS, w, i + L).fma(x0, a1);
            }
            store(y, p * nr, a0.add(a2), a1.add(a3), m.out - p * nr);
        }
    }

    /** The 16-bit formats: {@code bf16} true for bfloat16 pairs, false for IEEE halves (the branch is loop-invariant). */
    private static void gemvHalf(PackedMatrix m, float[] x, float[] y, int p0, int p1, boolean bf16) {
        int in = m.in;
        int[] w = m.half;
        for (int p = p0; p < p1; p++) {
            FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0;
            int i = p * in * L;
            int k = 0;
            for (; k + 2 <= in; k += 2, i += 2 * L) {
                FloatVector x0 = FloatVector.broadcast(FS, x[k]);
                FloatVector x1 = FloatVector.broadcast(FS, x[k + 1]);
                IntVector v0 = IntVector.fromArray(IS, w, i);
                IntVector v1 = IntVector.fromArray(IS, w, i + L);
                a0 = low(v0, bf16).fma(x0, a0);
                a1 = high(v0, bf16).fma(x0, a1);
                a2 = low(v1, bf16).fma(x1, a2);
                a3 = high(v1, bf16).fma(x1, a3);
            }
            if (k < in) {
                FloatVector x0 = FloatVector.broadcast(FS, x[k]);
                IntVector v0 = IntVector.fromArray(IS, w, i);
                a0 = low(v0, bf16).fma(x0, a0);
                a1 = high(v0, bf16).fma(x0, a1);
            }
            store(y, p * m.nr, a0.add(a2), a1.add(a3), m.out - p * m.nr);
        }
    }

    private static FloatVector low(IntVector v, boolean bf16) {
        return bf16 ? bf16Low(v) : f16Low(v);
    }

    private static FloatVector high(IntVector v, boolean bf16) {
        return bf16 ? bf16High(v) : f16High(v);
    }

    private static void gemvInt8(PackedMatrix m, float[] x, float[] y, int p0, int p1) {
        int in = m.in;
        int[] w = m.int8;
        int pairs = (in + 1) / 2;
        for (int p = p0; p < p1; p++) {
            FloatVector a0 = FloatVector.zero(FS), a1 = a0, a2 = a0, a3 = a0;
            int i = p * pairs * L;
            for (int k = 0; k < in; k += 2, i += L) {
                FloatVector x0 = FloatVector.broadcast(FS, x[k]);
                // an odd last column pairs with zero weights; x is not read past its end
                FloatVector x1 = FloatVector.broadcast(FS, k + 1 < in ? x[k + 1] : 0f);
                IntVector v = IntVector.fromArray(IS, w, i);
                a0 = int8Byte(v, 24).fma(x0, a0);
                a1 = int8Byte(v, 16).fma(x0, a1);
                a2 = int8Byte(v, 8).fma(x1, a2);
                a3 = int8Byte(v, 0).fma(x1, a3);
            }
            // the row scale is applied once to the sum, not to every weight
            FloatVector s0 = FloatVector.fromArray(FS, m.scales, p * m.nr);
            FloatVector s1 = FloatVector.fromArray(FS, m.scales, p * m.nr + L);
            store(y, p * m.nr, a0.add(a2).mul(s0), a1.add(a3).mul(s1), m.out - p * m.nr);
        }
    }

    private static FloatVector bf16Low(IntVector v) {
        return v.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    private static FloatVector bf16High(IntVector v) {
        return v.and(0xffff0000).reinterpretAsFloats();
    }

    /**
     * IEEE half patterns in the high 16 bits of each lane to float: an arithmetic shift by 3 puts exponent
     * and mantissa where a float keeps them (the sign stays on top, its copies are masked off, as are the
     * bits of the other half), and multiplying by 2^112 rebiases the exponent, renormalising subnormals too.
     * Infinities and NaNs would come out finite, so {@link PackedMatrix} refuses them at load.
     */
    private static FloatVector f16High(IntVector v) {
        return v.lanewise(VectorOperators.ASHR, 3).and(0x8fffe000).reinterpretAsFloats().mul(0x1p112f);
    }

    private static FloatVector f16Low(IntVector v) {
        return f16High(v.lanewise(VectorOperators.LSHL, 16));
    }

    /** The signed byte that sits {@code 24 - shiftLeft} bits up in each lane, as a float. */
    private static FloatVector int8Byte(IntVector v, int shiftLeft) {
        IntVector shifted = shiftLeft == 0 ? v : v.lanewise(VectorOperators.LSHL, shiftLeft);
        return (FloatVector) shifted.lanewise(VectorOperators.ASHR, 24).convert(VectorOperators.I2F, 0);
    }

    // ---- matrix-matrix ----------------------------------------------------------------------------------

    static void gemm(PackedMatrix m, float[] x, int rows, float[] y, int p0, int p1) {
        int nr = m.nr;
        int in = m.in;
        int out = m.out;
        float[] scratch = m.format == WeightFormat.F32 ? null : SCRATCH.get();
        int rowBlock = Math.max(8, ROW_BLOCK_BYTES / (Float.BYTES * in) / 8 * 8);
        // fewer than 8 rows (a stacked CFG decode step) would mostly multiply padding: 4-row and 1-row tiles then
        boolean eight = EIGHT_ROWS && rows >= 8;
        for (int r0 = 0; r0 < rows; r0 += rowBlock) {
            int r1 = Math.min(rows, r0 + rowBlock);
            int tiles8 = eight ? (r1 - r0 + 7) / 8 : 0;
            float[] xp = eight ? packRows(x, r0, r1, in, rowBlock) : null;
            float[] tile = TILE.get();
            for (int p = p0; p < p1; p++) {
                int valid = out - p * nr;
                for (int k0 = 0; k0 < in; k0 += KC) {
                    int kc = Math.min(KC, in - k0);
                    float[] b;
                    int bOff;
                    if (scratch == null) {
                        b = m.f32;
                        bOff = (p * in + k0) * nr;
                    } else {
                        widen(m, p, k0, kc, scratch);
                        b = scratch;
                        bOff = 0;
                    }
                    boolean first = k0 == 0;
                    if (eight) {
                        for (int t = 0; t < tiles8; t++) {
                            int r = r0 + 8 * t;
                            tile8(xp, (t * in + k0) * 8, b, bOff, kc, y, r * out + p * nr, out, valid, first,
                                    tile, Math.min(8, r1 - r));
                        }
                        continue;
                    }
                    int r = r0;
                    for (; r + 4 <= r1; r += 4) {
                        tile4(x, r * in + k0, in, b, bOff, kc, y, r * out + p * nr, out, valid, first);
                    }
                    for (; r < r1; r++) {
                        tile1(x, r * in + k0, b, bOff, kc, y, r * out + p * nr, valid, first);
                    }
                }
            }
        }
    }

    /**
     * Rows {@code [r0, r1)} of {@code x} as 8-row tiles, interleaved ({@code [tile][k][8]}) so that a tile's
     * broadcasts share a cache line; a last, partial tile is padded with zero rows.
     */
    private static float[] packRows(float[] x, int r0, int r1, int in, int rowBlock) {
        int tiles = (r1 - r0 + 7) / 8;
        float[] xp = PACKED_ROWS.get();
        if (xp.length < tiles * 8 * in) {
            xp = new float[(rowBlock + 7) / 8 * 8 * in];
            PACKED_ROWS.set(xp);
        }
        for (int t = 0; t < tiles; t++) {
            for (int rr = 0; rr < 8; rr++) {
                int r = r0 + 8 * t + rr;
                int dst = t * 8 * in + rr;
                if (r >= r1) {
                    for (int k = 0; k < in; k++) {
                        xp[dst + 8 * k] = 0f;
                    }
                    continue;
                }
                for (int k = 0, src = r * in; k < in; k++) {
                    xp[dst + 8 * k] = x[src + k];
                }
            }
        }
        return xp;
    }

    /** One panel's block of {@code kc} columns from {@code k0}, widened to float32 (int8 scaled per output). */
    private static void widen(PackedMatrix m, int p, int k0, int kc, float[] dst) {
        int nr = m.nr;
        switch (m.format) {
            case F32 -> System.arraycopy(m.f32, (p * m.in + k0) * nr, dst, 0, kc * nr);
            case BF16 -> {
                for (int k = 0, i = (p * m.in + k0) * L; k < kc; k++, i += L) {
                    IntVector v = IntVector.fromArray(IS, m.half, i);
                    bf16Low(v).intoArray(dst, k * nr);
                    bf16High(v).intoArray(dst, k * nr + L);
                }
            }
            case F16 -> {
                for (int k = 0, i = (p * m.in + k0) * L; k < kc; k++, i += L) {
                    IntVector v = IntVector.fromArray(IS, m.half, i);
                    f16Low(v).intoArray(dst, k * nr);
                    f16High(v).intoArray(dst, k * nr + L);
                }
            }
            case INT8 -> {
                // k0 is a multiple of KC, so even: column pairs start at a word
                FloatVector s0 = FloatVector.fromArray(FS, m.scales, p * nr);
                FloatVector s1 = FloatVector.fromArray(FS, m.scales, p * nr + L);
                int i = (p * ((m.in + 1) / 2) + k0 / 2) * L;
                for (int k = 0; k < kc; k += 2, i += L) {
                    IntVector v = IntVector.fromArray(IS, m.int8, i);
                    int8Byte(v, 24).mul(s0).intoArray(dst, k * nr);
                    int8Byte(v, 16).mul(s1).intoArray(dst, k * nr + L);
                    if (k + 1 < kc) {
                        int8Byte(v, 8).mul(s0).intoArray(dst, (k + 1) * nr);
                        int8Byte(v, 0).mul(s1).intoArray(dst, (k + 1) * nr + L);
                    }
                }
            }
        }
    }

    /**
     * The first {@code rows} of an 8-row tile {@code += (or =, when first)} its packed rows times a panel block.
     * The products go through {@code tile}: kept free of the masked loads and stores of the panel's edge, the
     * inner method stays small enough for the JIT to keep all 16 accumulators in registers instead of boxing
     * them (and starting them from zero rather than from {@code y} keeps it ~15 % faster).
     */
    private static void tile8(float[] xp, int xOff, float[] b, int bOff, int kc,
                              float[] y, int yOff, int out, int valid, boolean first, float[] tile, int rows) {
        products8(xp, xOff, b, bOff, kc, tile);
        for (int rr = 0; rr < rows; rr++) {
            store(y, yOff + rr * out, FloatVector.fromArray(FS, tile, rr * NR),
                    FloatVector.fromArray(FS, tile, rr * NR + L), valid, first);
        }
    }

    private static void products8(float[] xp, int xOff, float[] b, int bOff, int kc, float[] tile) {
        FloatVector c00 = FloatVector.zero(FS), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
                c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00,
                c70 = c00, c71 = c00;
        // indices computed from k (constant strides) let the JIT hoist the bounds checks out of the loop
        for (int k = 0; k < kc; k++) {
            int i = bOff + k * NR;
            int xk = xOff + 8 * k;
            FloatVector b0 = FloatVector.fromArray(FS, b, i);
            FloatVector b1 = FloatVector.fromArray(FS, b, i + L);
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

    private static void tile4(float[] x, int xOff, int in, float[] b, int bOff, int kc,
                              float[] y, int yOff, int out, int valid, boolean first) {
        FloatVector c00 = FloatVector.zero(FS), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
                c30 = c00, c31 = c00;
        int x1 = xOff + in;
        int x2 = xOff + 2 * in;
        int x3 = xOff + 3 * in;
        for (int k = 0; k < kc; k++) {
            int i = bOff + k * NR;
            FloatVector b0 = FloatVector.fromArray(FS, b, i);
            FloatVector b1 = FloatVector.fromArray(FS, b, i + L);
            FloatVector a = FloatVector.broadcast(FS, x[xOff + k]);
            c00 = b0.fma(a, c00);
            c01 = b1.fma(a, c01);
            a = FloatVector.broadcast(FS, x[x1 + k]);
            c10 = b0.fma(a, c10);
            c11 = b1.fma(a, c11);
            a = FloatVector.broadcast(FS, x[x2 + k]);
            c20 = b0.fma(a, c20);
            c21 = b1.fma(a, c21);
            a = FloatVector.broadcast(FS, x[x3 + k]);
            c30 = b0.fma(a, c30);
            c31 = b1.fma(a, c31);
        }
        store(y, yOff, c00, c01, valid, first);
        store(y, yOff + out, c10, c11, valid, first);
        store(y, yOff + 2 * out, c20, c21, valid, first);
        store(y, yOff + 3 * out, c30, c31, valid, first);
    }

    private static void tile1(float[] x, int xOff, float[] b, int bOff, int kc,
                              float[] y, int yOff, int valid, boolean first) {
        FloatVector c0 = FloatVector.zero(FS);
        FloatVector c1 = c0;
        for (int k = 0; k < kc; k++) {
            int i = bOff + k * NR;
            FloatVector a = FloatVector.broadcast(FS, x[xOff + k]);
            c0 = FloatVector.fromArray(FS, b, i).fma(a, c0);
            c1 = FloatVector.fromArray(FS, b, i + L).fma(a, c1);
        }
        store(y, yOff, c0, c1, valid, first);
    }

    /** The vector at lane offset {@code half} (0 or L) of a panel row of which {@code valid} lanes exist. */
    private static FloatVector load(float[] y, int off, int half, int valid) {
        if (valid >= 2 * L) {
            return FloatVector.fromArray(FS, y, off + half);
        }
        return FloatVector.fromArray(FS, y, off + half, FS.indexInRange(half, valid));
    }

    /**
     * A panel row's two vectors of one column block's products into {@code y}: stored for the first block, else
     * added to what the earlier blocks left (every tile shape adds a block's sum to {@code y} the same way, so
     * an output does not depend on the tile its row fell in).
     */
    private static void store(float[] y, int off, FloatVector lo, FloatVector hi, int valid, boolean first) {
        if (first) {
            store(y, off, lo, hi, valid);
        } else {
            store(y, off, lo.add(load(y, off, 0, valid)), hi.add(load(y, off, L, valid)), valid);
        }
    }

    /** Stores a panel row's two vectors, of which only the first {@code valid} lanes exist in {@code y}. */
    private static void store(float[] y, int off, FloatVector lo, FloatVector hi, int valid) {
        if (valid >= 2 * L) {
            lo.intoArray(y, off);
            hi.intoArray(y, off + L);
        } else {
            lo.intoArray(y, off, FS.indexInRange(0, valid));
            hi.intoArray(y, off + L, FS.indexInRange(L, valid));
        }
    }
}

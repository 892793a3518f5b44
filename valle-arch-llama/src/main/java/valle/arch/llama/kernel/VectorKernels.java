package valle.arch.llama.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernels behind {@link PackedMatrix#multiply}, on the machine's preferred float species. Only
 * loaded when the Vector API module is present.
 *
 * <p>Matrix-vector: each panel's weights stream once, two vectors of outputs per input column, with the
 * columns unrolled by two into independent accumulators so that the FMA latency does not cap the stream; the
 * 16-bit and int8 formats are widened in registers by shifts of 32-bit words (one loop per format, so the JIT
 * sees one load shape).
 *
 * <p>Matrix-matrix: for each panel and block of {@link #KC} input columns, the block (widened to float32 once
 * when stored narrower) stays in L1 while a register tile of 4 input rows × 2 vectors of outputs (8
 * accumulators: within the 16 registers of AVX2 and the 32 of AVX-512) runs over it.
 */
final class VectorKernels {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> IS = VectorSpecies.of(int.class, FS.vectorShape());
    private static final int L = FS.length();
    /** Input columns per block of the matrix-matrix kernel: a 16-32 KB panel slice. */
    static final int KC = 256;
    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[KC * 2 * L]);

    private VectorKernels() {
    }

    static int lanes() {
        return L;
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
                int r = 0;
                for (; r + 4 <= rows; r += 4) {
                    tile4(x, r * in + k0, in, b, bOff, kc, nr, y, r * out + p * nr, out, valid, first);
                }
                for (; r < rows; r++) {
                    tile1(x, r * in + k0, b, bOff, kc, nr, y, r * out + p * nr, valid, first);
                }
            }
        }
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

    private static void tile4(float[] x, int xOff, int in, float[] b, int bOff, int kc, int nr,
                              float[] y, int yOff, int out, int valid, boolean first) {
        FloatVector c00, c01, c10, c11, c20, c21, c30, c31;
        if (first) {
            c00 = FloatVector.zero(FS);
            c01 = c00; c10 = c00; c11 = c00; c20 = c00; c21 = c00; c30 = c00; c31 = c00;
        } else {
            c00 = load(y, yOff, 0, valid);
            c01 = load(y, yOff, L, valid);
            c10 = load(y, yOff + out, 0, valid);
            c11 = load(y, yOff + out, L, valid);
            c20 = load(y, yOff + 2 * out, 0, valid);
            c21 = load(y, yOff + 2 * out, L, valid);
            c30 = load(y, yOff + 3 * out, 0, valid);
            c31 = load(y, yOff + 3 * out, L, valid);
        }
        int x1 = xOff + in;
        int x2 = xOff + 2 * in;
        int x3 = xOff + 3 * in;
        for (int k = 0, i = bOff; k < kc; k++, i += nr) {
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
        store(y, yOff, c00, c01, valid);
        store(y, yOff + out, c10, c11, valid);
        store(y, yOff + 2 * out, c20, c21, valid);
        store(y, yOff + 3 * out, c30, c31, valid);
    }

    private static void tile1(float[] x, int xOff, float[] b, int bOff, int kc, int nr,
                              float[] y, int yOff, int valid, boolean first) {
        FloatVector c0 = first ? FloatVector.zero(FS) : load(y, yOff, 0, valid);
        FloatVector c1 = first ? FloatVector.zero(FS) : load(y, yOff, L, valid);
        for (int k = 0, i = bOff; k < kc; k++, i += nr) {
            FloatVector a = FloatVector.broadcast(FS, x[xOff + k]);
            c0 = FloatVector.fromArray(FS, b, i).fma(a, c0);
            c1 = FloatVector.fromArray(FS, b, i + L).fma(a, c1);
        }
        store(y, yOff, c0, c1, valid);
    }

    /** The vector at lane offset {@code half} (0 or L) of a panel row of which {@code valid} lanes exist. */
    private static FloatVector load(float[] y, int off, int half, int valid) {
        if (valid >= 2 * L) {
            return FloatVector.fromArray(FS, y, off + half);
        }
        return FloatVector.fromArray(FS, y, off + half, FS.indexInRange(half, valid));
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

package valle.attention;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@code exp} on whole vectors for the softmax weights, built from multiply-adds alone: the same result on
 * every run and JIT tier (the Vector API's own {@code EXP} is a native library call once compiled and a
 * scalar loop before, which need not agree), within a few ulps of {@link Math#exp}. Loaded only when the Vector
 * API module is present.
 */
final class VectorExp {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    /** Inputs below this (and {@code -inf}) give 0: {@code exp} is near the end of float's normal range there. */
    static final float LOWEST = -87f;
    private static final float LOG2_E = 1.44269504f;
    /** 1.5 · 2^23: adding it rounds to an integer, which then sits in the low bits of the float's pattern. */
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = 0x4B400000;
    /** ln 2 split so that {@code n · LN2_HI} is exact for the {@code n} that occur (Cody–Waite). */
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;

    private VectorExp() {
    }

    /**
     * {@code e^x} for {@code x <= 88}: {@code x = n ln2 + r} with {@code |r| <= ln2/2}, {@code e^r} from its
     * Taylor polynomial to degree 7 (remainder about 1e-8, under a float ulp), times {@code 2^n} built in the
     * exponent bits.
     */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(LOWEST);
        FloatVector shifted = xc.fma(FloatVector.broadcast(FS, LOG2_E), FloatVector.broadcast(FS, ROUNDER));
        FloatVector n = shifted.sub(ROUNDER);
        IntVector ni = shifted.reinterpretAsInts().sub(ROUNDER_BITS);
        FloatVector r = n.fma(FloatVector.broadcast(FS, -LN2_HI), xc);
        r = n.fma(FloatVector.broadcast(FS, -LN2_LO), r);
        FloatVector p = r.fma(FloatVector.broadcast(FS, 1f / 5040), FloatVector.broadcast(FS, 1f / 720));
        p = p.fma(r, FloatVector.broadcast(FS, 1f / 120));
        p = p.fma(r, FloatVector.broadcast(FS, 1f / 24));
        p = p.fma(r, FloatVector.broadcast(FS, 1f / 6));
        p = p.fma(r, FloatVector.broadcast(FS, 0.5f));
        p = p.fma(r, FloatVector.broadcast(FS, 1f));
        p = p.fma(r, FloatVector.broadcast(FS, 1f));
        FloatVector twoToN = ni.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        VectorMask<Float> under = x.compare(VectorOperators.LT, LOWEST);
        return p.mul(twoToN).blend(0f, under);
    }
}

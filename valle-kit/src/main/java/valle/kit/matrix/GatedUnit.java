package valle.kit.matrix;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import valle.api.Stable;
import valle.kit.nn.Activation;
import valle.kit.thread.KernelPool;
import valle.kit.vector.VectorApi;

/**
 * The gated MLP's middle, fused into one pass over the stacked {@code gate|up} product:
 * {@code act[r, j] = a(gate[r, j]) · up[r, j]} for an {@link Activation} {@code a}, where each input row holds
 * {@code gate} then {@code up}.
 * The exact GELU's erf is evaluated as {@link Activation#erf} does (the Numerical Recipes {@code erfcc}
 * fit) but in float32 vectors with the Vector API's exp; {@link #applySimple} is the scalar definition.
 */
@Stable(since = "0.1")
public final class GatedUnit {
    private static final boolean VECTOR = VectorApi.present();

    private GatedUnit() {
    }

    /**
     * Rows {@code [0, rows)} of {@code gu [rows, 2f]} into {@code act [rows, f]} through {@code activation},
     * split over {@code pool}.
     */
    public static void apply(Activation activation, float[] gu, int rows, int f, float[] act, KernelPool pool) {
        if (!VECTOR) {
            applySimple(activation, gu, rows, f, act);
            return;
        }
        boolean gelu = activation == Activation.GELU;
        pool.forRange(rows, 4, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                Vectors.gated(gelu, gu, r * 2 * f, f, act, r * f);
            }
        });
    }

    /** The scalar definition {@link #apply} is tested against. */
    public static void applySimple(Activation activation, float[] gu, int rows, int f, float[] act) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < f; j++) {
                act[r * f + j] = activation.apply(gu[r * 2 * f + j]) * gu[r * 2 * f + f + j];
            }
        }
    }

    /** Kept apart so that the Vector API classes load only when the module is present. */
    private static final class Vectors {
        private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;

        static void gated(boolean gelu, float[] gu, int gOff, int f, float[] act, int aOff) {
            int j = 0;
            for (int bound = FS.loopBound(f); j < bound; j += FS.length()) {
                FloatVector g = FloatVector.fromArray(FS, gu, gOff + j);
                FloatVector u = FloatVector.fromArray(FS, gu, gOff + f + j);
                FloatVector a = gelu ? gelu(g) : g.div(g.neg().lanewise(VectorOperators.EXP).add(1f));
                a.mul(u).intoArray(act, aOff + j);
            }
            for (; j < f; j++) {
                float g = gu[gOff + j];
                act[aOff + j] = (gelu ? Activation.gelu(g) : Activation.silu(g)) * gu[gOff + f + j];
            }
        }

        /** {@code x/2 · (1 + erf(x/√2))} with erf from {@code erfcc}: {@code erfc(z) = t·exp(-z² + P(t))}. */
        private static FloatVector gelu(FloatVector x) {
            FloatVector z = x.mul((float) (1 / Math.sqrt(2))).abs();
            FloatVector t = z.mul(0.5f).add(1f);
            t = FloatVector.broadcast(FS, 1f).div(t);
            FloatVector p = t.mul(0.17087277f).add(-0.82215223f);
            p = p.mul(t).add(1.48851587f);
            p = p.mul(t).add(-1.13520398f);
            p = p.mul(t).add(0.27886807f);
            p = p.mul(t).add(-0.18628806f);
            p = p.mul(t).add(0.09678418f);
            p = p.mul(t).add(0.37409196f);
            p = p.mul(t).add(1.00002368f);
            p = p.mul(t).add(-1.26551223f);
            FloatVector erfc = t.mul(z.mul(z).neg().add(p).lanewise(VectorOperators.EXP));
            // erf(|x|/√2) = 1 - erfc; the sign of x carries over
            FloatVector erfAbs = erfc.neg().add(1f);
            FloatVector erf = erfAbs.blend(erfAbs.neg(), x.compare(VectorOperators.LT, 0f));
            return x.mul(0.5f).mul(erf.add(1f));
        }
    }
}

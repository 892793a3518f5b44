package valle.kit.nn;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import valle.api.Stable;

/**
 * The MLP activations of VALL-E's backbones by the names HF configs use, in float32 with the reference's
 * definitions, and the elementwise functions behind them (with softplus and the error function, which
 * {@link Math} lacks).
 *
 * <p>The error function: near zero its Maclaurin series (exact to double rounding for |x| < 0.5, and exactly 0
 * at 0); elsewhere the Chebyshev-fitted complementary error function of Numerical Recipes ({@code erfcc}),
 * fractional error below 1.2e-7: both finer than float32 needs.
 */
@Stable(since = "0.1")
public enum Activation {
    /** HF {@code "gelu"}: the exact erf form, which VALL-E's backbones use (not tanh, not SiLU). */
    GELU("gelu") {
        @Override
        public float apply(float x) {
            return gelu(x);
        }
    },
    /** HF {@code "silu"}: {@code x · sigmoid(x)}. */
    SILU("silu") {
        @Override
        public float apply(float x) {
            return silu(x);
        }
    };

    private final String configName;

    Activation(String configName) {
        this.configName = configName;
    }

    /** The activation of {@code x}. */
    public abstract float apply(float x);

    /**
     * The gated product {@code out[i] = a(gate[i]) · up[i]} for {@code i < count}, the middle of a gated MLP
     * over separate gate and up products; {@code out} may be {@code gate} or {@code up}.
     */
    public void gated(float[] gate, float[] up, int count, float[] out) {
        for (int i = 0; i < count; i++) {
            out[i] = apply(gate[i]) * up[i];
        }
    }

    /** The activation HF configs call {@code configName}, if there is one here. */
    public static Optional<Activation> named(String configName) {
        return Arrays.stream(values()).filter(a -> a.configName.equals(configName)).findFirst();
    }

    /** The config names of every activation, for error messages. */
    public static List<String> names() {
        return Arrays.stream(values()).map(a -> a.configName).toList();
    }

    /** HF's {@code "gelu"}: the exact erf form {@code x/2 · (1 + erf(x/√2))}. */
    public static float gelu(float x) {
        return (float) (0.5 * x * (1.0 + erf(x / Math.sqrt(2.0))));
    }

    /** {@code x · sigmoid(x)}. */
    public static float silu(float x) {
        return (float) (x / (1.0 + Math.exp(-x)));
    }

    /** PyTorch's softplus: {@code log(1 + e^x)}, and {@code x} itself above 20. */
    public static float softplus(float x) {
        return x > 20f ? x : (float) Math.log1p(Math.exp(x));
    }

    /** The error function, as the type's documentation describes. */
    public static double erf(double x) {
        double z = Math.abs(x);
        if (z < 0.5) {
            return series(x);
        }
        double t = 1.0 / (1.0 + 0.5 * z);
        double erfc = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? 1.0 - erfc : erfc - 1.0;
    }

    /** {@code 2/sqrt(pi) · Σ (-1)^n x^(2n+1) / (n! (2n+1))}; 14 terms reach double precision for |x| < 0.5. */
    private static double series(double x) {
        double x2 = x * x;
        double term = x;
        double sum = x;
        for (int n = 1; n < 14; n++) {
            term *= -x2 / n;
            sum += term / (2 * n + 1);
        }
        return sum * 2.0 / Math.sqrt(Math.PI);
    }
}

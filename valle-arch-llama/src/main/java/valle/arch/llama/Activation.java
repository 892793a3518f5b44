package valle.arch.llama;

import java.util.Arrays;
import java.util.List;

/** MLP activations, by the names HF configs use. */
enum Activation {
    /** HF {@code "gelu"}: the exact erf form, which VALL-E's Llama uses (not tanh, not SiLU). */
    GELU("gelu") {
        @Override
        float apply(float x) {
            return (float) (0.5 * x * (1.0 + Erf.erf(x / Math.sqrt(2.0))));
        }
    },
    SILU("silu") {
        @Override
        float apply(float x) {
            return (float) (x / (1.0 + Math.exp(-x)));
        }
    };

    private final String configName;

    Activation(String configName) {
        this.configName = configName;
    }

    abstract float apply(float x);

    static Activation find(String configName) {
        for (Activation a : values()) {
            if (a.configName.equals(configName)) {
                return a;
            }
        }
        return null;
    }

    static List<String> names() {
        return Arrays.stream(values()).map(a -> a.configName).toList();
    }
}

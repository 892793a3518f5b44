package valle.arch.mixtral;

import java.util.Arrays;
import java.util.List;
import valle.api.math.Activations;

/** Expert activations, by the names HF configs use. */
enum Activation {
    /** HF {@code "gelu"}: the exact erf form, which the reference passes to Mixtral (its default would be SiLU). */
    GELU("gelu") {
        @Override
        float apply(float x) {
            return Activations.gelu(x);
        }
    },
    SILU("silu") {
        @Override
        float apply(float x) {
            return Activations.silu(x);
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

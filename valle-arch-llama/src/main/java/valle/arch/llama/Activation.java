package valle.arch.llama;

import java.util.Arrays;
import java.util.List;
import valle.kit.matrix.GatedUnit;

/** MLP activations, by the names HF configs use. */
enum Activation {
    /** HF {@code "gelu"}: the exact erf form, which VALL-E's Llama uses (not tanh, not SiLU). */
    GELU("gelu", GatedUnit.GELU),
    SILU("silu", GatedUnit.SILU);

    private final String configName;
    private final GatedUnit gatedUnit;

    Activation(String configName, GatedUnit gatedUnit) {
        this.configName = configName;
        this.gatedUnit = gatedUnit;
    }

    /** The fused {@code a(gate) · up} kernel of this activation. */
    GatedUnit gatedUnit() {
        return gatedUnit;
    }

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

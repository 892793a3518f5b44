package valle.kit.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ActivationTest {

    @Test
    void erfMatchesKnownValues() {
        assertEquals(0.0, Activation.erf(0), 0.0);
        assertEquals(0.8427007929497149, Activation.erf(1), 1e-7);
        assertEquals(-0.9953222650189527, Activation.erf(-2), 1e-7);
        assertEquals(0.1124629160182849, Activation.erf(0.1), 1e-15);
        assertEquals(0.5204998778130465, Activation.erf(0.5), 1e-7);
        assertEquals(-0.4283923550466685, Activation.erf(-0.4), 1e-15);
    }

    @Test
    void theActivationsAreTheirDefinitions() {
        assertEquals(0f, Activation.GELU.apply(0f));
        assertEquals(0.8413447f, Activation.GELU.apply(1f), 1e-6f);
        assertEquals((float) (2 / (1 + Math.exp(-2))), Activation.SILU.apply(2f));
        assertEquals(30f, Activation.softplus(30f));
        assertEquals((float) Math.log(2), Activation.softplus(0f));
    }

    @Test
    void configNamesFindTheirActivation() {
        assertEquals(Optional.of(Activation.GELU), Activation.named("gelu"));
        assertEquals(Optional.of(Activation.SILU), Activation.named("silu"));
        assertTrue(Activation.named("relu").isEmpty());
        assertEquals(List.of("gelu", "silu"), Activation.names());
    }

    @Test
    void theGatedProductIsTheActivationTimesUpInPlaceOrNot() {
        float[] gate = {-1.5f, 0.25f, 2f, 7f};
        float[] up = {0.5f, -3f, 1.25f, 2f};
        float[] out = new float[4];
        Activation.GELU.gated(gate, up, 3, out);
        for (int i = 0; i < 3; i++) {
            assertEquals(Activation.gelu(gate[i]) * up[i], out[i]);
        }
        assertEquals(0f, out[3]);
        float[] inPlace = up.clone();
        Activation.SILU.gated(gate, inPlace, 4, inPlace);
        for (int i = 0; i < 4; i++) {
            assertEquals(up[i] * Activation.silu(gate[i]), inPlace[i]);
        }
    }
}

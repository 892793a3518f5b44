package valle.arch.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import valle.api.arch.Arch;
import valle.api.arch.BackboneConfig;
import valle.api.attention.AttentionKernel;
import valle.api.math.Activations;
import valle.attention.SdpaKernel;
import valle.tck.contract.BackboneContract;

/** The llama backbone under the backbone contract (grouped-query attention: 4 heads over 2 kv heads). */
class LlamaBackboneTest extends BackboneContract {
    private static final BackboneConfig CONFIG =
            new BackboneConfig("llama", 16, 4, 2, 2, 40, 1e-6f, 10000f, "gelu", Map.of());

    @Override
    protected Arch arch() {
        return new LlamaArch();
    }

    @Override
    protected BackboneConfig config() {
        return CONFIG;
    }

    @Override
    protected AttentionKernel attention() {
        return new SdpaKernel();
    }

    @Test
    void erfMatchesKnownValues() {
        assertEquals(0.0, Activations.erf(0), 0.0);
        assertEquals(0.8427007929497149, Activations.erf(1), 1e-7);
        assertEquals(-0.9953222650189527, Activations.erf(-2), 1e-7);
        assertEquals(0.1124629160182849, Activations.erf(0.1), 1e-15);
        assertEquals(0.5204998778130465, Activations.erf(0.5), 1e-7);
        assertEquals(-0.4283923550466685, Activations.erf(-0.4), 1e-15);
    }
}

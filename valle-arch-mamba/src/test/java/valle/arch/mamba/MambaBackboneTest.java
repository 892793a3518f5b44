package valle.arch.mamba;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import valle.api.ModelFormatException;
import valle.api.arch.Arch;
import valle.api.arch.BackboneConfig;
import valle.api.tensor.ArrayTensor;
import valle.api.tensor.Weights;
import valle.tck.contract.BackboneContract;

/**
 * The mamba backbone under the backbone contract: a recurrence, causal whatever the mask mode, that reports no
 * layers to a probe.
 */
class MambaBackboneTest extends BackboneContract {
    private static final int D = 12;
    private static final BackboneConfig CONFIG = new BackboneConfig("mamba", D, 1, 1, 2, 4 * D, 1e-6f, 10000f, "gelu",
            Map.of());

    @Override
    protected Arch arch() {
        return new MambaArch();
    }

    @Override
    protected BackboneConfig config() {
        return CONFIG;
    }

    @Override
    protected double tolerance() {
        return 2e-5;
    }

    @Override
    protected int sequenceLength() {
        return 11;
    }

    /** Prefills shorter than the conv window (4) included: HF's cache gets those wrong, the math does not. */
    @Override
    protected int[] prefills() {
        return new int[] {0, 1, 2, 3, 7};
    }

    /** HF's config can switch the conv bias off ({@code conv_bias}). */
    @Override
    protected Set<String> optionalTensors() {
        return Set.of("layers.0.mixer.conv1d.bias", "layers.1.mixer.conv1d.bias");
    }

    @Override
    protected boolean honoursBidirectionalMask() {
        return false;
    }

    @Override
    protected boolean reportsLayers() {
        return false;
    }

    @Test
    void aCheckpointWithoutTheMixerIsRefusedByName() {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> new MambaArch().open(CONFIG,
                Weights.of("llama.sft", List.of(new ArrayTensor("norm_f.weight", new int[] {D}, new float[D]))), null));
        assertTrue(e.getMessage().contains("A_log") && e.getMessage().startsWith("llama.sft"), e.getMessage());
    }
}

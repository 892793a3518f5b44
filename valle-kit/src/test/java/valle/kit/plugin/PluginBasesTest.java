package valle.kit.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.attention.AttentionKernel;
import valle.api.plugin.Availability;
import valle.api.tensor.Weights;
import valle.kit.nn.LlamaShape;

class PluginBasesTest {
    private static final BackboneConfig LLAMA =
            new BackboneConfig("llama", 8, 2, 1, 2, 12, 1e-5f, 10000f, "gelu", Map.of());

    /** An arch that counts the backbones it was asked to build. */
    private static class Counting extends LlamaShapedArch {
        int opened;

        Counting(String description) {
            super("llama", 7, description);
        }

        @Override
        protected Backbone openSupported(BackboneConfig config, Weights weights, AttentionKernel attention) {
            opened++;
            return null;
        }
    }

    @Test
    void theDescriptorIsWhatTheConstructorWasGivenAndAPlainPluginIsAvailable() {
        Counting arch = new Counting("a test arch");
        assertEquals("llama", arch.name());
        assertEquals(7, arch.priority());
        assertEquals("a test arch", arch.description());
        assertSame(Availability.yes(), arch.availability());
    }

    @Test
    void withoutADescriptionThePluginIsDescribedByItsClass() {
        assertEquals(Counting.class.getName(), new Counting(null).description());
    }

    @Test
    void openRefusesAConfigItDoesNotSupportWithTheReasonAndBuildsNothing() {
        Counting arch = new Counting("a test arch");
        BackboneConfig relu = new BackboneConfig("llama", 8, 2, 1, 2, 12, 1e-5f, 10000f, "relu", Map.of());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> arch.open(relu, null, null));
        assertEquals(arch.supports(relu).toString(), e.getMessage());
        assertTrue(e.getMessage().startsWith("llama has no activation 'relu'"), e.getMessage());
        BackboneConfig mamba = new BackboneConfig("mamba", 8, 2, 1, 2, 12, 1e-5f, 10000f, "gelu", Map.of());
        assertThrows(IllegalArgumentException.class, () -> arch.open(mamba, null, null));
        assertEquals(0, arch.opened);
        arch.open(LLAMA, null, null);
        assertEquals(1, arch.opened);
    }

    @Test
    void aLlamaOnAnotherBackendNamesItsBackendWhenItRefuses() {
        Counting onnx = new Counting("on onnx") {
            @Override
            public String backend() {
                return "onnx";
            }
        };
        BackboneConfig odd = new BackboneConfig("llama", 6, 2, 1, 2, 12, 1e-5f, 10000f, "relu", Map.of());
        Availability refused = onnx.supports(odd);
        assertFalse(refused.ok());
        assertTrue(refused.reason().startsWith("llama on onnx has no activation"), refused.reason());
    }

    @Test
    void everyLlamaDrawsTheShapesRandomWeights() {
        Weights ours = new Counting("x").randomWeights(LLAMA, 3);
        Weights shape = LlamaShape.randomWeights(LLAMA, 3);
        assertEquals(shape.names(), ours.names());
        for (String name : shape.names()) {
            assertTrue(java.util.Arrays.equals(shape.find(name).orElseThrow().toFloatArray(),
                    ours.find(name).orElseThrow().toFloatArray()), name);
        }
    }
}

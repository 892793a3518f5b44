package valle.kit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import valle.api.ModelFormatException;
import valle.api.arch.BackboneConfig;
import valle.api.plugin.Availability;
import valle.api.tensor.RandomTensors;
import valle.api.tensor.Weights;

class LlamaShapeTest {
    private static final BackboneConfig CONFIG =
            new BackboneConfig("llama", 8, 2, 1, 2, 12, 1e-5f, 10000f, "gelu", Map.of());

    @Test
    void theTensorsAreHfsInHfsOrder() {
        List<TensorSpec> all = LlamaShape.tensors(CONFIG);
        assertEquals(2 * 9 + 1, all.size());
        assertEquals(List.of("layers.1.input_layernorm.weight", "layers.1.self_attn.q_proj.weight",
                "layers.1.self_attn.k_proj.weight", "layers.1.self_attn.v_proj.weight",
                "layers.1.self_attn.o_proj.weight", "layers.1.post_attention_layernorm.weight",
                "layers.1.mlp.gate_proj.weight", "layers.1.mlp.up_proj.weight", "layers.1.mlp.down_proj.weight",
                "norm.weight"), all.subList(9, 19).stream().map(TensorSpec::name).toList());
        LlamaShape.Layer layer = LlamaShape.layer(CONFIG, 0);
        assertArrayEquals(new int[] {4, 8}, layer.k().shape());
        assertArrayEquals(new int[] {12, 8}, layer.up().shape());
        assertArrayEquals(new int[] {8, 12}, layer.down().shape());
        assertEquals(layer.all().subList(0, 6), layer.normsAndAttention());
    }

    @Test
    void randomWeightsAreTheSpecsDrawnInOrder() {
        Weights random = LlamaShape.randomWeights(CONFIG, 42);
        RandomTensors byHand = new RandomTensors(42);
        for (TensorSpec s : LlamaShape.tensors(CONFIG)) {
            int[] shape = s.shape();
            if (shape.length == 1) {
                byHand.around(s.name(), 1, 0.2, shape);
            } else {
                byHand.linear(s.name(), shape[0], shape[1]);
            }
        }
        Weights expected = byHand.build("by hand");
        assertEquals("random llama weights", random.source());
        for (TensorSpec s : LlamaShape.tensors(CONFIG)) {
            assertArrayEquals(s.require(expected).toFloatArray(), s.require(random).toFloatArray(), s.name());
        }
    }

    @Test
    void aConfigNeedsAKnownActivationAndAnEvenHeadWidth() {
        assertTrue(LlamaShape.supports(CONFIG, "llama").ok());
        BackboneConfig relu = new BackboneConfig("llama", 8, 2, 1, 2, 12, 1e-5f, 10000f, "relu", Map.of());
        Availability a = LlamaShape.supports(relu, "llama on onnx");
        assertEquals("llama on onnx has no activation 'relu' (use one of [gelu, silu])", a.toString());
        BackboneConfig odd = new BackboneConfig("llama", 6, 2, 1, 2, 12, 1e-5f, 10000f, "gelu", Map.of());
        assertEquals("rotary embeddings need an even head width, got 3", LlamaShape.supports(odd, "llama").reason());
    }

    @Test
    void aCheckpointWithMoreLayersIsRefused() {
        BackboneConfig one = new BackboneConfig("llama", 8, 2, 1, 1, 12, 1e-5f, 10000f, "gelu", Map.of());
        Weights two = LlamaShape.randomWeights(CONFIG, 1);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> LlamaShape.refuseMoreLayers(one, two));
        assertEquals("random llama weights: the checkpoint has more than the 1 layers its config declares",
                e.getMessage());
        LlamaShape.refuseMoreLayers(CONFIG, two);
    }
}

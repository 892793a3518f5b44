package valle.core.lora;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import valle.api.ModelFormatException;
import valle.api.tensor.ArrayTensor;
import valle.api.tensor.TensorView;
import valle.api.tensor.Weights;
import valle.core.load.SafetensorsFile;

class LoraAdapterTest {
    private static final Path GOLDEN = Path.of("../valle-tck/golden/arch-more");

    @Test
    void theOnTheFlyProductEqualsTheMergedWeightsProduct() {
        SplittableRandom rnd = new SplittableRandom(2);
        int out = 9;
        int in = 13;
        int rank = 3;
        TensorView w = tensor(rnd, "w", out, in);
        LowRankTensor adapted = new LowRankTensor(w, tensor(rnd, "a", rank, in), tensor(rnd, "b", out, rank), 2f);
        TensorView merged = new ArrayTensor("m", new int[] {out, in}, adapted.toFloatArray());
        float[] x = tensor(rnd, "x", 4, in).toFloatArray();
        float[] onTheFly = new float[4 * out];
        float[] viaMerged = new float[4 * out];
        float[] base = new float[4 * out];
        adapted.linear(x, 4, onTheFly);
        merged.linear(x, 4, viaMerged);
        w.linear(x, 4, base);
        double moved = 0;
        for (int i = 0; i < onTheFly.length; i++) {
            assertEquals(viaMerged[i], onTheFly[i], 1e-5);
            moved = Math.max(moved, Math.abs(onTheFly[i] - base[i]));
        }
        assertTrue(moved > 0.1, "the adapter must change the output");
    }

    @Test
    void theGoldenLoraFitsItsModelAndReadsItsConfig() {
        try (SafetensorsFile model = SafetensorsFile.open(GOLDEN.resolve("ar_nar_llama_lora/model.sft"));
             LoraAdapter lora = LoraAdapter.open(GOLDEN.resolve("ar_nar_llama_lora/lora.sft"), model)) {
            assertEquals(18, lora.modules().size());
            assertEquals(2.0f, lora.config().scaling());
            assertTrue(lora.config().activeAt(5));
            assertFalse(lora.modules().stream().anyMatch(m -> m.contains("k_proj")));
            LoraConfig arOnly = lora.config().withLevels(List.of(0));
            assertTrue(arOnly.activeAt(0) && !arOnly.activeAt(1));
        }
    }

    @Test
    void aLoraForAnotherModelIsRefusedListingTheUnmatchedAdapters() {
        try (SafetensorsFile model = SafetensorsFile.open(GOLDEN.resolve("ar_nar_mixtral/model.sft"))) {
            ModelFormatException e = assertThrows(ModelFormatException.class,
                    () -> LoraAdapter.open(GOLDEN.resolve("ar_nar_llama_lora/lora.sft"), model));
            assertTrue(e.getMessage().contains("9 of 18 adapters do not fit"), e.getMessage());
            assertTrue(e.getMessage().contains("model.layers.0.mlp.down_proj (no such linear layer)"), e.getMessage());
            assertFalse(e.getMessage().contains("q_proj"), "mixtral has q_proj of the same shape: " + e.getMessage());
        }
    }

    @Test
    void aMisShapedAdapterIsRefusedWithTheShapes() {
        SplittableRandom rnd = new SplittableRandom(1);
        Weights model = Weights.of("small.sft", List.of(tensor(rnd, "model.layers.0.self_attn.q_proj.weight", 16, 16)));
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> LoraAdapter.open(GOLDEN.resolve("ar_nar_llama_lora/lora.sft"), model));
        assertTrue(e.getMessage().contains("model.layers.0.self_attn.q_proj (lora_A [4, 32], lora_B [32, 4] for a "
                + "weight [16, 16])"), e.getMessage());
    }

    private static TensorView tensor(SplittableRandom rnd, String name, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return new ArrayTensor(name, new int[] {rows, cols}, v);
    }
}

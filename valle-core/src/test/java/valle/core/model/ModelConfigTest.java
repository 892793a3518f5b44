package valle.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import valle.api.ModelFormatException;

class ModelConfigTest {

    @Test
    void missingKeysTakeTheReferenceDataclassDefaults() {
        ModelConfig c = ModelConfig.parse("{}", "m.sft");
        assertEquals("ar+nar", c.name());
        assertEquals(List.of("ar", "nar"), c.capabilities());
        assertFalse(c.splitClassifiers());
        assertTrue(c.unifiedPositionIds());
        assertFalse(c.noncausalMasks());
        assertEquals(ModelConfig.EmbeddingSums.NONE, c.audioEmbeddingSums());
        assertEquals("llama", c.archType());
    }

    @Test
    void embeddingSumsMayNameOneModule() {
        assertEquals(ModelConfig.EmbeddingSums.PROMPT,
                ModelConfig.parse("{\"experimental\": {\"audio_embedding_sums\": \"prom\"}}", "m").audioEmbeddingSums());
        assertEquals(ModelConfig.EmbeddingSums.RESPONSE,
                ModelConfig.parse("{\"experimental\": {\"audio_embedding_sums\": \"resp\"}}", "m").audioEmbeddingSums());
        assertThrows(ModelFormatException.class,
                () -> ModelConfig.parse("{\"experimental\": {\"audio_embedding_sums\": \"both\"}}", "m"));
    }

    @Test
    void unsupportedModelsAreRefusedNamingTheFile() {
        for (String json : List.of("{\"version\": 4}", "{\"experimental\": {\"hf\": true}}",
                "{\"experimental\": {\"interleave\": true}}", "{\"experimental\": {\"causal_size\": 2}}",
                "{\"langs\": \"six\"}", "{\"capabilities\": [1]}", "[]")) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelConfig.parse(json, "x.sft"), json);
            assertTrue(e.getMessage().startsWith("x.sft"), e.getMessage());
        }
    }
}

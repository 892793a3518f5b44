package valle.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import valle.api.ModelFormatException;
import valle.core.load.SafetensorsFile;

class ModelLayoutTest {
    /** The golden models the conformance kit ships; core reads them as plain weight files. */
    private static final Path GOLDEN = Path.of("../valle-tck/golden");

    @Test
    void detectsTheArNarLenLayoutFromConfigAndShapes() {
        try (SafetensorsFile f = SafetensorsFile.open(GOLDEN.resolve("ar_nar_len/model.sft"))) {
            ModelConfig config = ModelConfig.parse(f.metadata().get("config"), f.source());
            ModelLayout layout = ModelLayout.detect(config, f);
            assertEquals(32, layout.hiddenSize());
            assertEquals(4, layout.attentionHeads());
            assertEquals(3, layout.layers());
            assertEquals(128, layout.intermediateSize());
            assertEquals(6, layout.langs());
            assertTrue(layout.ar() && layout.nar() && layout.len());
            assertEquals(List.of("AR:0:0", "NAR:0:1", "NAR:1:2", "NAR:2:3", "NAR:3:4", "NAR:4:5", "NAR:5:6",
                    "NAR:6:7", "NAR:0:0"), layout.responseTables());
            assertEquals(1025, layout.head("AR:0:0").classes());
            assertEquals(1024, layout.head("NAR:0:0").classes());
            assertEquals(9, layout.head("stt").index());
            assertEquals(11, layout.head("len").classes());
            assertTrue(layout.classifierBias());
            assertEquals(ModelConfig.EmbeddingSums.BOTH, config.audioEmbeddingSums());
            assertTrue(config.noncausalMasks());
        }
    }

    @Test
    void theArNarLayoutHasNoLenHeadAndSttAtEight() {
        try (SafetensorsFile f = SafetensorsFile.open(GOLDEN.resolve("ar_nar/model.sft"))) {
            ModelLayout layout = ModelLayout.detect(ModelConfig.parse(f.metadata().get("config"), f.source()), f);
            assertEquals(8, layout.responseTables().size());
            assertEquals(8, layout.head("stt").index());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> layout.head("len"));
            assertTrue(e.getMessage().contains("no classifier 'len'"), e.getMessage());
        }
    }

    @Test
    void aPresetSizeThatContradictsTheTensorsIsRefused() {
        try (SafetensorsFile f = SafetensorsFile.open(GOLDEN.resolve("ar_nar/model.sft"))) {
            String json = f.metadata().get("config").replaceFirst("\"size\":\\s*\\{[^}]*\\}", "\"size\": \"full\"");
            ModelConfig config = ModelConfig.parse(json, f.source());
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelLayout.detect(config, f));
            assertTrue(e.getMessage().contains("means width 1024") && e.getMessage().startsWith("model.sft"), e.getMessage());
        }
    }

    @Test
    void unifiedClassifierModelsAreRefusedWithAReason() {
        try (SafetensorsFile f = SafetensorsFile.open(GOLDEN.resolve("ar_nar/model.sft"))) {
            String json = f.metadata().get("config").replace("\"split_classifiers\": true", "\"split_classifiers\": false")
                    .replace("\"split_classifiers\":true", "\"split_classifiers\":false");
            ModelConfig config = ModelConfig.parse(json, f.source());
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelLayout.detect(config, f));
            assertTrue(e.getMessage().contains("unified classifier"), e.getMessage());
        }
    }
}

package valle.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import valle.api.ModelFormatException;
import valle.core.Valle;
import valle.core.load.CheckpointLocation;
import valle.core.load.SafetensorsFile;
import valle.core.model.ModelConfig;
import valle.core.model.ModelLayout;
import valle.core.model.ValleModel;

/**
 * {@code valle check} of a VALL-E checkpoint ({@code .sft}, or a folder holding one): the safetensors container, the {@code config} and
 * {@code userdata} metadata, every tensor the layout and the backbone plugin bind (loaded exactly as
 * {@code speak} loads it), and every value finite.
 */
final class CheckpointCheck implements FileCheck {

    @Override
    public String kind() {
        return "VALL-E checkpoint";
    }

    @Override
    public List<String> check(Path location) {
        Path file = CheckpointLocation.resolve(location);
        String tensors;
        try (SafetensorsFile sft = SafetensorsFile.open(file)) {
            if (!sft.metadata().containsKey("config")) {
                throw new ModelFormatException(sft.source() + ": the safetensors metadata has no 'config' entry, so this"
                        + " is no VALL-E checkpoint (export one with vall_e.export; codec weights go in a folder with"
                        + " their config.json or config.yaml)");
            }
            tensors = TensorCensus.of(sft);
        }
        try (Valle valle = Valle.builder().model(file).build()) {
            ValleModel model = valle.model();
            ModelConfig c = model.config();
            ModelLayout l = model.layout();
            Map<String, Integer> symbols = model.symbolMap();
            return List.of(tensors,
                    "config: " + c.name() + ", version " + c.version() + ", arch " + c.archType() + ", " + l.layers()
                            + " layers of width " + l.hiddenSize() + " (" + l.attentionHeads() + " heads), "
                            + l.respLevels() + " levels, " + l.langs() + " language(s), " + l.tasks() + " task(s)",
                    "capabilities: " + String.join(" ", c.capabilities()) + " (heads found: " + heads(l) + ")",
                    symbols.isEmpty() ? "symmap: none (the bundled tokenizer is used)" : "symmap: " + symbols.size() + " symbols");
        }
    }

    private static String heads(ModelLayout l) {
        List<String> found = new java.util.ArrayList<>();
        if (l.ar()) {
            found.add("ar");
        }
        if (l.nar()) {
            found.add("nar");
        }
        if (l.len()) {
            found.add("len");
        }
        return String.join(" ", found);
    }
}

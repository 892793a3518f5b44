package valle.core.lora;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How to load a LoRA with a model.
 *
 * @param file      the {@code lora.sft}
 * @param merge     merge the adapter into the weights at load instead of applying it on the fly
 * @param rvqLevels the RVQ levels to apply it at instead of the file's {@code rvq_levels} (empty: every level),
 *                  or {@code null} to keep the file's
 */
public record LoraOptions(Path file, boolean merge, List<Integer> rvqLevels) {

    public LoraOptions {
        Objects.requireNonNull(file, "file");
        rvqLevels = rvqLevels == null ? null : List.copyOf(rvqLevels);
    }

    public LoraOptions(Path file, boolean merge) {
        this(file, merge, null);
    }
}

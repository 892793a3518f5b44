package valle.core;

import java.nio.file.Path;

/**
 * What a {@link Valle} instance is built with: the checkpoint (or none), the plugin names (a name or
 * {@code null} for the {@code -Dvalle.*} / {@code VALLE_*} / {@code auto} chain), and a LoRA file to load
 * with the model (or none), applied on the fly or merged into the weights at load; and the backend the plugins
 * are chosen on ({@code null}: the same chain as the names).
 */
record ValleSettings(Path model, String arch, String attention, String phonemizer, Path lora, boolean loraMerge,
                     String backend) {
}

package valle.core;

import java.nio.file.Path;
import valle.api.tensor.WeightFormat;
import valle.core.plugin.PluginRegistry;
import valle.core.plugin.Plugins;

/**
 * What a {@link Valle} instance is built with: the checkpoint (or none), the plugin names (a name or
 * {@code null} for the {@code -Dvalle.*} / {@code VALLE_*} / {@code auto} chain), and a LoRA file to load
 * with the model (or none), applied on the fly or merged into the weights at load; and the backend the plugins
 * are chosen on ({@code null}: the same chain as the names); the format of the backbone's linear layers
 * ({@code null}: {@code -Dvalle.weights}, {@code VALLE_WEIGHTS}, else each tensor's file dtype); whether text in
 * {@code auto} gets its detected language's token rather than the reference's 0.
 */
record ValleSettings(Path model, String arch, String attention, String phonemizer, Path lora, boolean loraMerge,
                     String backend, WeightFormat weights, boolean detectedLanguageToken) {

    /** The weight format in force: the builder's, else the setting's ({@code file} or unset: null). */
    WeightFormat weightFormat() {
        if (weights != null) {
            return weights;
        }
        String chosen = Plugins.chosenName("weights", null);
        try {
            return PluginRegistry.AUTO.equals(chosen) ? null : WeightFormat.parseChoice(chosen).orElse(null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-Dvalle.weights / VALLE_WEIGHTS: " + e.getMessage());
        }
    }
}

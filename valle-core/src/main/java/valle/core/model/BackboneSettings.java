package valle.core.model;

import java.util.Map;
import valle.api.ModelFormatException;
import valle.api.arch.BackboneConfig;
import valle.api.tensor.Weights;

/**
 * The {@link BackboneConfig} the reference gives a checkpoint's backbone: Llama with its own defaults, or the
 * Mixtral stack it builds for {@code mixtral} / {@code mistral} and for {@code llama} with more than one
 * expert (HF {@code MixtralConfig} defaults: RMSNorm eps 1e-5, RoPE theta 1e6; top-{@code min(2, experts)}
 * routing; a sliding window of 75·12 = 900 rows).
 */
final class BackboneSettings {
    /** Frames per second times 12 s: the sliding window the reference sets for its Mixtral stacks. */
    static final int MIXTRAL_WINDOW = 75 * 12;

    private BackboneSettings() {
    }

    static BackboneConfig of(ModelConfig config, ModelLayout layout, Weights backbone) {
        int d = layout.hiddenSize();
        int heads = layout.attentionHeads();
        boolean moe = config.experts() > 1
                && (config.archType().equals("llama") || config.archType().equals("mixtral")
                || config.archType().equals("mistral"));
        if (!moe) {
            // the reference ignores experimental.kv_heads for llama: always H key/value heads
            return new BackboneConfig(config.archType(), d, heads, heads, layout.layers(), layout.intermediateSize(),
                    1e-6f, 10000f, "gelu", Map.of());
        }
        // key/value heads: experimental.kv_heads when set, else H (llama with experts: always H); the k
        // projection's rows say which
        int kvHeads = backbone.find("layers.0.self_attn.k_proj.weight")
                .map(k -> k.rows() / (d / heads))
                .orElseThrow(() -> new ModelFormatException(backbone.source()
                        + ": tensor 'model.layers.0.self_attn.k_proj.weight' is missing"));
        if (kvHeads < 1 || heads % kvHeads != 0) {
            throw new ModelFormatException(backbone.source() + ": model.layers.0.self_attn.k_proj.weight has "
                    + kvHeads * (d / heads) + " rows, not a whole divisor of " + heads + " heads of " + d / heads);
        }
        return new BackboneConfig("mixtral", d, heads, kvHeads, layout.layers(), layout.intermediateSize(),
                1e-5f, 1e6f, "gelu", Map.of(
                        "experts", Integer.toString(config.experts()),
                        "experts_per_token", Integer.toString(Math.min(2, config.experts())),
                        "sliding_window", Integer.toString(MIXTRAL_WINDOW)));
    }
}

package valle.api.arch;

import java.util.Map;
import java.util.Objects;
import valle.api.Stable;

/**
 * The shape of a backbone, read by core from a checkpoint's config and tensor shapes.
 *
 * @param archType         the reference's {@code arch_type} ({@code "llama"}, {@code "retnet"}, ...)
 * @param hiddenSize       D, the width of the input embeddings and hidden states
 * @param heads            attention heads (query heads)
 * @param kvHeads          key/value heads; equal to {@code heads} when there is no grouped-query attention
 * @param layers           number of blocks
 * @param intermediateSize MLP width
 * @param normEps          RMSNorm epsilon
 * @param ropeTheta        rotary base
 * @param activation       MLP activation as the reference names it ({@code "gelu"} = exact erf GELU)
 * @param options          arch-specific settings from the checkpoint config, as strings
 */
@Stable(since = "0.1")
public record BackboneConfig(String archType, int hiddenSize, int heads, int kvHeads, int layers,
                             int intermediateSize, float normEps, float ropeTheta, String activation,
                             Map<String, String> options) {

    public BackboneConfig {
        Objects.requireNonNull(archType, "archType");
        Objects.requireNonNull(activation, "activation");
        options = Map.copyOf(options);
        if (hiddenSize < 1 || heads < 1 || kvHeads < 1 || layers < 1 || intermediateSize < 1) {
            throw new IllegalArgumentException("bad backbone sizes: D=" + hiddenSize + " heads=" + heads
                    + " kvHeads=" + kvHeads + " layers=" + layers + " intermediate=" + intermediateSize);
        }
        if (hiddenSize % heads != 0) {
            throw new IllegalArgumentException("hidden size " + hiddenSize + " is not a multiple of heads " + heads);
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("heads " + heads + " is not a multiple of kvHeads " + kvHeads);
        }
    }

    /** Width of one attention head. */
    public int headDim() {
        return hiddenSize / heads;
    }
}

package valle.api.arch;

import valle.api.Experimental;

/**
 * Receives what a backbone computes inside one pass, for conformance checks against per-layer goldens and for
 * benchmarks that count where tokens go. Every method has an empty default, so a probe implements only what it
 * reads. Arrays are the backbone's working buffers, valid during the call only: copy what you keep.
 */
@Experimental("per-layer conformance cases and the mixture-of-experts benchmark are its first users")
public interface BackboneProbe {

    /**
     * The residual stream {@code [rows, D]} after block {@code layer} (before the final norm), in the
     * reference's numbering of blocks.
     */
    default void layerOutput(int layer, float[] hidden, int rows) {
    }

    /**
     * A mixture-of-experts layer's routing of {@code rows} tokens over {@code experts} experts: the router
     * logits {@code [rows, experts]}, and per token the chosen experts {@code [rows, k]} (best first) and
     * their weights {@code [rows, k]} as they scale the experts' outputs.
     */
    default void routing(int layer, int rows, int experts, float[] logits, int[] chosen, float[] weights) {
    }
}

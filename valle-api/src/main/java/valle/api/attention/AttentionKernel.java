package valle.api.attention;

import valle.api.Stable;
import valle.api.plugin.Plugin;

/**
 * An attention kernel plugin ({@code sdpa}, {@code flash}, ...). Stateless and thread-safe: one instance
 * serves every layer and request.
 *
 * <p>Fully masked query rows produce a zero output and a log-sum-exp of {@link Float#NEGATIVE_INFINITY}.
 */
@Stable(since = "0.1")
public interface AttentionKernel extends Plugin {

    /** Whether this kernel handles the problem's mask and shape; {@code auto} skips kernels that do not. */
    default boolean supports(AttentionProblem problem) {
        return true;
    }

    /**
     * Computes {@code softmax(scale · q·kᵀ + mask) · v} for every head.
     *
     * @param out {@code [queries, heads, valueDim]}, overwritten
     * @param logSumExp {@code [queries, heads]} log-sum-exp of the masked scaled scores per row, or
     *                  {@code null} when not wanted
     */
    void attend(AttentionProblem problem, float[] out, float[] logSumExp);
}

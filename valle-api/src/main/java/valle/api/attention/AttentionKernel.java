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
     * How well this kernel suits {@code problem} (its shape: prefill or one-row decode, lengths): under
     * {@code auto}, among the available kernels that {@linkplain #supports support} it, the highest wins.
     * The default is the plugin's {@link #priority()}.
     */
    default int priority(AttentionProblem problem) {
        return priority();
    }

    /**
     * Instances of this kernel across its tuning space (tile sizes, chunk sizes, split counts, threads), each
     * of which must compute the same result up to rounding; the kernel TCK runs them all. The default is
     * this instance alone.
     */
    default java.util.List<AttentionKernel> variants() {
        return java.util.List.of(this);
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

package valle.core.model;

import java.util.Optional;
import valle.api.UnbuildableModelException;

/**
 * Backbone configurations the reference itself cannot build or run (vall-e {@code 0d4329d}; the upstream
 * errors are recorded in {@code docs/spec/oracle-arch-more.md}). A checkpoint asking for one is refused at load
 * with the reference's reason instead of computing something the reference never could.
 */
public final class ReferenceGaps {
    private ReferenceGaps() {
    }

    /**
     * Why the reference cannot run {@code archType} with {@code experts} experts, if it cannot; the reason
     * starts with "the reference cannot ...".
     */
    public static Optional<String> reason(String archType, int experts) {
        return Optional.ofNullable(switch (archType) {
            case "transformer" -> "the reference cannot build arch_type transformer (AR_NAR raises AttributeError: "
                    + "'AR_NAR' object has no attribute 'model' at base.py:792; its forward has three more defects)";
            case "bitnet" -> "the reference cannot build arch_type bitnet (Base.__init__ has no bitnet branch: "
                    + "RuntimeError: Unknown arch specified: bitnet; its bitnet package is not installable either)";
            case "mistral", "mixtral" -> experts <= 1
                    ? "the reference cannot build arch_type " + archType + " with " + experts + " expert(s) (it "
                    + "calls MistralModel, which it never imports: NameError at base.py:635); use experts > 1"
                    : null;
            case "retnet-hf" -> "the reference cannot build arch_type retnet-hf (removed upstream: RuntimeError: "
                    + "Unknown arch specified: retnet-hf); convert the checkpoint to arch_type retnet";
            case "mamba2" -> "the reference cannot run arch_type mamba2 on a CPU (its fla Triton kernels are "
                    + "CUDA-only), so there is no reference computation to match";
            default -> null;
        });
    }

    /** The skip line's reason for a golden set of components of {@code archType}, e.g. transformer. */
    public static Optional<String> cannotBuild(String archType) {
        return reason(archType, 2).map(r -> "the reference cannot build arch_type " + archType);
    }

    /** @throws UnbuildableModelException naming {@code source} and the reason when the reference cannot run it */
    static void check(ModelConfig config, String source) {
        reason(config.archType(), config.experts()).ifPresent(r -> {
            throw new UnbuildableModelException(source + ": " + r);
        });
    }
}

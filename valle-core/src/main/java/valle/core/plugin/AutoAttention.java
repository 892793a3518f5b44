package valle.core.plugin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import valle.api.attention.AttentionKernel;
import valle.api.attention.AttentionProblem;
import valle.kit.plugin.DescribedPlugin;

/**
 * {@code auto} for attention, decided per problem: among the available kernels that
 * {@linkplain AttentionKernel#supports support} a problem, the one with the highest
 * {@linkplain AttentionKernel#priority(AttentionProblem) priority for it} (prefill and one-row decode can pick
 * different kernels). Each distinct decision is logged once, at debug level.
 */
public final class AutoAttention extends DescribedPlugin implements AttentionKernel {
    private static final Logger LOG = LoggerFactory.getLogger(AutoAttention.class);
    private final List<AttentionKernel> kernels;
    private final Map<String, Boolean> logged = new ConcurrentHashMap<>();

    /** @param registry every discovered kernel; the unavailable ones are left out here */
    public AutoAttention(PluginRegistry<AttentionKernel> registry) {
        super("auto", 0, "per problem, the available kernel with the highest priority for its shape");
        List<AttentionKernel> usable = new ArrayList<>();
        for (AttentionKernel k : registry.all()) {
            if (k.availability().ok()) {
                usable.add(k);
            }
        }
        if (usable.isEmpty()) {
            registry.get(PluginRegistry.AUTO);
        }
        this.kernels = List.copyOf(usable);
    }

    @Override
    public boolean supports(AttentionProblem problem) {
        return kernels.stream().anyMatch(k -> k.supports(problem));
    }

    /** The kernel {@code auto} runs {@code problem} with. */
    public AttentionKernel choose(AttentionProblem problem) {
        AttentionKernel best = null;
        for (AttentionKernel k : kernels) {
            if (k.supports(problem) && (best == null || k.priority(problem) > best.priority(problem))) {
                best = k;
            }
        }
        if (best == null) {
            throw new IllegalArgumentException("no attention kernel supports a " + problem.queries() + "x"
                    + problem.keys() + " problem with mask " + problem.mask().getClass().getSimpleName());
        }
        String shape = (problem.queries() == 1 ? "decode" : "prefill") + " " + problem.mask().getClass().getSimpleName();
        if (logged.putIfAbsent(shape + best.name(), Boolean.TRUE) == null) {
            LOG.debug("attention: auto -> {} for {}", best.name(), shape);
        }
        return best;
    }

    @Override
    public void attend(AttentionProblem problem, float[] out, float[] logSumExp) {
        choose(problem).attend(problem, out, logSumExp);
    }
}

package valle.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import valle.api.attention.AttentionKernel;
import valle.core.Valle;
import valle.tck.CaseResult;
import valle.tck.KernelConformance;

/** {@code valle kernels}: the attention-kernel TCK on every discovered kernel, or one. */
@Command(name = "kernels", description = "Run the attention-kernel TCK (float64 oracle, every mask, tile and chunk size).",
        footer = {"  ./valle kernels", "  ./valle kernels --attention flash"})
final class KernelsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--attention", paramLabel = "NAME", description = "Only this kernel (default: every discovered one).")
    String attention;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<CaseResult> results = new ArrayList<>();
        try (Valle valle = Valle.builder().build()) {
            List<AttentionKernel> kernels = attention == null
                    ? valle.plugins().attentionKernels().all()
                    : List.of(valle.plugins().attentionKernels().get(attention));
            for (AttentionKernel k : kernels) {
                if (!k.availability().ok()) {
                    results.add(new CaseResult("kernel/" + k.name(), false, "not available: " + k.availability()));
                    out.println(results.getLast().line());
                    continue;
                }
                results.addAll(KernelConformance.run(k, r -> out.println(r.line())));
            }
        }
        long passed = results.stream().filter(CaseResult::passed).count();
        out.println(passed + " passed, " + (results.size() - passed) + " failed");
        return passed == results.size() ? 0 : 1;
    }
}

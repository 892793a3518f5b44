package valle.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import valle.api.tensor.WeightFormat;
import valle.tck.CaseResult;
import valle.tck.ConformanceSuite;

/** {@code valle conformance}: runs a golden folder against the plugins present. */
@Command(name = "conformance",
        description = "Run every golden case of a folder against the plugins present; one PASS/FAIL/SKIP line per case.",
        footer = {"  ./valle conformance",
            "  ./valle conformance --backend onnx",
            "  ./valle conformance --golden DIR --attention sdpa --arch llama --verbose",
            "  ./valle conformance --backend java --weight-dtype int8 --report"})
final class ConformanceCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--golden", paramLabel = "DIR",
            description = "Golden folder (default: the goldens bundled with valle-tck, from -Dvalle.golden).")
    Path golden;

    @Option(names = "--arch", paramLabel = "NAME", description = "Arch plugin (default: auto).")
    String arch;

    @Option(names = "--attention", paramLabel = "NAME", description = "Attention kernel of the java backbones (default: auto).")
    String attention;

    @Option(names = "--backend", paramLabel = "NAME",
            description = "Compute backend: java, onnx, djl or auto (default: auto). Variants whose arch has no "
                    + "provider on it are skipped.")
    String backend;

    @Option(names = "--lora-merge",
            description = "Run variants that have a lora.sft with the adapter merged into the weights at load "
                    + "(default: applied on the fly).")
    boolean loraMerge;

    @Option(names = "--weight-dtype", paramLabel = "f32|bf16|f16|int8|int4|file",
            description = "Load the models' linear layers in this format (default: file, each tensor's dtype). "
                    + "Other formats than the goldens' f32 move the logits past the tolerance: see --report.")
    String weightDtype;

    @Option(names = "--report", description = "After the cases, a table of each case's worst logit difference to the "
            + "golden and share of greedy picks (argmax) equal to the golden's: what the weight format costs.")
    boolean report;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        WeightFormat weights;
        try {
            weights = WeightFormat.parseChoice(weightDtype).orElse(null);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--weight-dtype: " + e.getMessage());
        }
        Path dir = golden != null ? golden : bundledGoldens();
        List<CaseResult> results = new ConformanceSuite(arch, attention, loraMerge, backend, weights)
                .run(dir, r -> out.println(r.line()));
        if (report) {
            FidelityReport.print(out, weights == null ? WeightFormat.FILE : weights.label(), results);
        }
        out.println(CaseResult.summary(results));
        return results.stream().anyMatch(CaseResult::failed) ? 1 : 0;
    }

    private static Path bundledGoldens() {
        String location = System.getProperty("valle.golden");
        if (location == null) {
            throw new IllegalArgumentException("no golden folder given: pass --golden DIR (the launcher ./valle "
                    + "points -Dvalle.golden at valle-tck/golden)");
        }
        return Path.of(location);
    }
}

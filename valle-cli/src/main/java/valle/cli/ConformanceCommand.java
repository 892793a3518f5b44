package valle.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import valle.tck.CaseResult;
import valle.tck.ConformanceSuite;

/** {@code valle conformance}: runs a golden folder against the plugins present. */
@Command(name = "conformance",
        description = "Run every golden case of a folder against the plugins present; one PASS/FAIL/SKIP line per case.",
        footer = {"  ./valle conformance",
            "  ./valle conformance --backend onnx",
            "  ./valle conformance --golden DIR --attention sdpa --arch llama --verbose"})
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

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = golden != null ? golden : bundledGoldens();
        List<CaseResult> results = new ConformanceSuite(arch, attention, loraMerge, backend).run(dir, r -> out.println(r.line()));
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

package valle.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import valle.api.arch.Arch;
import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.arch.BackboneInput;
import valle.api.arch.BackboneState;
import valle.api.arch.MaskMode;
import valle.api.tensor.Weights;
import valle.core.Valle;
import valle.core.plugin.AutoAttention;
import valle.kit.thread.ThreadCount;

/**
 * {@code valle backend-bench}: one arch on every backend that provides it, at the published size with random
 * weights: an AR decode step (one causal row over a KV cache) and a NAR pass (every row, bidirectional). Every
 * backend takes valle's one thread count ({@code VALLE_THREADS} / {@code -Dvalle.threads}, else the processors):
 * the java llama's pool, ORT's intra-op threads, libtorch's.
 */
@Command(name = "backend-bench",
        description = "Time an AR decode step and a NAR pass of one arch (default llama) on each backend that provides it, "
                + "at the published size with random weights. Threads: the JVM's processor count "
                + "(JAVA_TOOL_OPTIONS=-XX:ActiveProcessorCount=1 for one).",
        footer = {"  ./valle backend-bench",
            "  ./valle backend-bench --backend onnx --steps 50"})
final class BackendBenchCommand implements Callable<Integer> {
    private static final int WIDTH = 1024;

    @Spec
    CommandSpec spec;

    @Option(names = "--arch", defaultValue = "llama", description = "Arch (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--backend", paramLabel = "NAME", description = "One backend (default: every one that provides the arch).")
    String backend;

    @Option(names = "--layers", defaultValue = "12", description = "Layers (default: ${DEFAULT-VALUE}, the published model's).")
    int layers;

    @Option(names = "--prefill", defaultValue = "300", description = "Rows in the cache before the timed steps (default: ${DEFAULT-VALUE}).")
    int prefill;

    @Option(names = "--steps", defaultValue = "20", description = "Timed decode steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--nar-rows", defaultValue = "300", description = "Rows of the NAR pass (default: ${DEFAULT-VALUE}).")
    int narRows;

    @Option(names = "--nar-runs", defaultValue = "3", description = "Timed NAR passes (default: ${DEFAULT-VALUE}).")
    int narRuns;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        BackboneConfig config = new BackboneConfig(arch, WIDTH, 16, 16, layers, 4096, 1e-6f, 10000f, "gelu", Map.of());
        out.printf("%s at D %d, %d layers, 16 heads, MLP 4096 (random weights), %d threads, %s%n", arch, WIDTH,
                layers, ThreadCount.configured(), System.getProperty("os.arch"));
        out.printf("%-8s %10s %26s %22s%n", "BACKEND", "OPEN s", "AR STEP ms (" + prefill + " cached)",
                "NAR PASS ms (" + narRows + " rows)");
        try (Valle valle = Valle.builder().build()) {
            List<Arch> all = valle.plugins().archs().all().stream().filter(a -> a.name().equals(arch)).toList();
            List<Arch> providers = all.stream().filter(a -> backend == null || a.backend().equals(backend)).toList();
            if (providers.isEmpty()) {
                throw new IllegalArgumentException("no arch named '" + arch + "'" + (backend == null ? "" : " on backend '"
                        + backend + "'") + " is on the path");
            }
            Weights weights = randomWeights(all, config);
            AutoAttention attention = new AutoAttention(valle.plugins().attentionKernels());
            for (Arch a : providers) {
                if (!a.availability().ok()) {
                    out.printf("%-8s %s%n", a.backend(), a.availability());
                    continue;
                }
                long t0 = System.nanoTime();
                try (Backbone b = a.open(config, weights, attention)) {
                    double openSeconds = (System.nanoTime() - t0) / 1e9;
                    double step = decodeStep(b);
                    double nar = narPass(b);
                    out.printf("%-8s %10.1f %26.2f %22.1f%n", a.backend(), openSeconds, step, nar);
                    out.flush();
                }
            }
        }
        return 0;
    }

    /** The first provider's random weights: every backend of one arch binds the same checkpoint layout. */
    private static Weights randomWeights(List<Arch> providers, BackboneConfig config) {
        for (Arch a : providers) {
            try {
                return a.randomWeights(config, 1);
            } catch (UnsupportedOperationException e) {
                // this provider cannot make them; another of the same arch can
            }
        }
        throw new IllegalArgumentException("no provider of arch '" + config.archType() + "' makes random weights");
    }

    /** Mean milliseconds of one causal row over a cache of {@code prefill} rows, after 3 untimed steps. */
    private double decodeStep(Backbone b) {
        SplittableRandom rnd = new SplittableRandom(2);
        int warmup = 3;
        try (BackboneState state = b.newState()) {
            b.forward(state, rows(rnd, 0, prefill, MaskMode.CAUSAL));
            List<Double> times = new ArrayList<>();
            for (int i = 0; i < warmup + steps; i++) {
                BackboneInput row = rows(rnd, prefill + i, 1, MaskMode.CAUSAL);
                long s = System.nanoTime();
                b.forward(state, row);
                if (i >= warmup) {
                    times.add((System.nanoTime() - s) / 1e6);
                }
            }
            return times.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        }
    }

    /** Mean milliseconds of a full bidirectional pass over {@code narRows} rows, after one untimed pass. */
    private double narPass(Backbone b) {
        BackboneInput input = rows(new SplittableRandom(3), 0, narRows, MaskMode.BIDIRECTIONAL);
        b.forward(input);
        long s = System.nanoTime();
        for (int i = 0; i < narRuns; i++) {
            b.forward(input);
        }
        return (System.nanoTime() - s) / 1e6 / narRuns;
    }

    private static BackboneInput rows(SplittableRandom rnd, int from, int n, MaskMode mask) {
        float[] x = new float[n * WIDTH];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        int[] positions = new int[n];
        for (int i = 0; i < n; i++) {
            positions[i] = from + i;
        }
        return new BackboneInput(x, n, positions, mask);
    }
}

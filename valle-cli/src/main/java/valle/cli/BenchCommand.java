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
import valle.api.attention.AttentionKernel;
import valle.core.Valle;
import valle.core.plugin.AutoAttention;

/**
 * {@code valle bench}: the AR decode step of each backbone at the published model's size ("full": D 1024,
 * 16 heads, 12 layers; Mamba 24 blocks), on random weights: a prefill of the typical prompt+text length, then
 * timed one-row steps through the backbone's own incremental state.
 */
@Command(name = "bench", description = "Time the AR decode step of each backbone at the real model size (random weights).")
final class BenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--arch", paramLabel = "NAME", description = "One arch (default: every discovered one).")
    String arch;

    @Option(names = "--prefill", defaultValue = "300", description = "Rows before the timed steps (default: ${DEFAULT-VALUE}).")
    int prefill;

    @Option(names = "--steps", defaultValue = "30", description = "Timed decode steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", defaultValue = "10", description = "Untimed decode steps first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("AR decode step at the published size after a %d-row prefill (%s, %d threads)%n", prefill,
                System.getProperty("os.arch"), Runtime.getRuntime().availableProcessors());
        out.printf("%-8s %8s %12s %14s%n", "ARCH", "LAYERS", "PREFILL ms", "STEP ms (mean)");
        try (Valle valle = Valle.builder().build()) {
            List<Arch> archs = arch == null ? valle.plugins().archs().all() : List.of(valle.plugins().archs().get(arch));
            AttentionKernel attention = new AutoAttention(valle.plugins().attentionKernels());
            for (Arch a : archs) {
                // the reference gives Mamba two blocks per layer of the preset
                int layers = a.name().equals("mamba") ? 24 : 12;
                BackboneConfig config = new BackboneConfig(a.name(), 1024, 16, 16, layers, 4096, 1e-6f, 10000f,
                        "gelu", Map.of());
                try (Backbone b = a.open(config, a.randomWeights(config, 1), attention)) {
                    measure(out, a.name(), layers, b);
                } catch (UnsupportedOperationException e) {
                    out.printf("%-8s %s%n", a.name(), e.getMessage());
                }
            }
        }
        return 0;
    }

    private void measure(PrintWriter out, String name, int layers, Backbone b) {
        SplittableRandom rnd = new SplittableRandom(2);
        try (BackboneState state = b.newState()) {
            long t0 = System.nanoTime();
            b.forward(state, rows(rnd, 0, prefill));
            double prefillMs = (System.nanoTime() - t0) / 1e6;
            List<Double> times = new ArrayList<>();
            for (int i = 0; i < warmup + steps; i++) {
                BackboneInput row = rows(rnd, prefill + i, 1);
                long s = System.nanoTime();
                b.forward(state, row);
                if (i >= warmup) {
                    times.add((System.nanoTime() - s) / 1e6);
                }
            }
            double mean = times.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            out.printf("%-8s %8d %12.1f %14.2f%n", name, layers, prefillMs, mean);
            out.flush();
        }
    }

    private static BackboneInput rows(SplittableRandom rnd, int from, int n) {
        float[] x = new float[n * 1024];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        int[] pos = new int[n];
        for (int i = 0; i < n; i++) {
            pos[i] = from + i;
        }
        return new BackboneInput(x, n, pos, MaskMode.CAUSAL);
    }
}

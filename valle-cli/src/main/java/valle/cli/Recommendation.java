package valle.cli;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import valle.api.PluginNotFoundException;
import valle.api.arch.Arch;
import valle.api.plugin.Plugin;
import valle.api.tensor.WeightFormat;
import valle.core.plugin.PluginRegistry;
import valle.core.plugin.Plugins;
import valle.kit.thread.ThreadCount;

/**
 * What {@code valle doctor} advises for this machine. The backend is the one {@code auto} takes for the published
 * models' {@code llama} arch: the available provider with the highest priority, and the priorities follow the
 * measured speed (docs/backends.md; onnx first where ONNX Runtime loads). The weight format is f32, the exact
 * one: the formats the arch also stores (onnx: int8, int4; java: bf16, f16, int8, int4) trade exactness for a
 * speed that depends on the machine, so they are for {@code valle bench --compare-weights} to prove first. The
 * threads are the physical cores: a second hyper-thread per core adds no arithmetic units to the kernels.
 */
record Recommendation(String backend, String backendWhy, String weights, String weightsWhy, int threads, String threadsWhy) {

    static Recommendation of(Plugins plugins, CpuFacts cpu) {
        String backend;
        String backendWhy;
        List<String> others = List.of();
        try {
            PluginRegistry.Selection<Arch> llama = plugins.archs().select("llama", a -> valle.api.plugin.Availability.yes());
            backend = llama.plugin().backend();
            backendWhy = "auto's choice for the llama arch, the fastest that loads here: " + llama.explain();
            others = Arrays.stream(WeightFormat.values())
                    .filter(f -> f != WeightFormat.F32 && llama.plugin().supportsFormat(f).ok())
                    .map(WeightFormat::label).toList();
        } catch (PluginNotFoundException e) {
            backend = Plugin.JAVA_BACKEND;
            backendWhy = "no llama arch can run here (see the verdict)";
        }
        String weightsWhy = others.isEmpty()
                ? "exact; the " + backend + " backend's llama stores no other format"
                : "exact; " + String.join(", ", others) + " (--weight-dtype, VALLE_WEIGHTS) move the logits, and their speed"
                        + " depends on the machine: compare them here with ./valle bench --backend " + backend
                        + " --compare-weights f32," + String.join(",", others) + " before switching";
        String threadsWhy = "the physical cores (" + cpu.logicalCores() + " logical); set now: " + configuredThreads()
                + " (-Dvalle.threads, VALLE_THREADS)";
        return new Recommendation(backend, backendWhy, "f32", weightsWhy, cpu.physicalCores(), threadsWhy);
    }

    DoctorSection section() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("backend", backend);
        facts.put("backend_why", backendWhy);
        facts.put("weights", weights);
        facts.put("weights_why", weightsWhy);
        facts.put("threads", threads);
        facts.put("threads_why", threadsWhy);
        return new DoctorSection("recommendation", facts);
    }

    /** The thread count in force, or the refusal of a bad setting (which the settings section shows as set). */
    private static String configuredThreads() {
        try {
            return Integer.toString(ThreadCount.configured());
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}

package valle.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import valle.api.PluginNotFoundException;
import valle.api.arch.Arch;
import valle.api.plugin.Plugin;
import valle.core.plugin.PluginRegistry;
import valle.core.plugin.Plugins;
import valle.kit.thread.ThreadCount;

/**
 * What {@code valle doctor} advises for this machine. The backend is the one {@code auto} takes for the published
 * models' {@code llama} arch: the available provider with the highest priority, and the priorities follow the
 * measured speed (docs/backends.md; onnx first where ONNX Runtime loads). The weight format is f32: the native
 * backends run their graphs in f32, and on the java backend bf16 and int8 trade exactness for speed that depends
 * on the CPU (int8 is slow without AVX-512 VNNI), so they are for {@code valle bench} to prove first. The threads
 * are the physical cores: a second hyper-thread per core adds no arithmetic units to the kernels.
 */
record Recommendation(String backend, String backendWhy, String weights, String weightsWhy, int threads, String threadsWhy) {

    static Recommendation of(Plugins plugins, CpuFacts cpu) {
        String backend;
        String backendWhy;
        try {
            PluginRegistry.Selection<Arch> llama = plugins.archs().select("llama", a -> valle.api.plugin.Availability.yes());
            backend = llama.plugin().backend();
            backendWhy = "auto's choice for the llama arch, the fastest that loads here: " + llama.explain();
        } catch (PluginNotFoundException e) {
            backend = Plugin.JAVA_BACKEND;
            backendWhy = "no llama arch can run here (see the verdict)";
        }
        String weightsWhy = Plugin.JAVA_BACKEND.equals(backend)
                ? "exact; bf16 and int8 (--weight-dtype, VALLE_WEIGHTS) move the logits and their speed depends on the CPU"
                        + (cpu.has("AVX512_VNNI") ? "" : " (int8 is slow without AVX512_VNNI)")
                        + ": measure with ./valle bench --quick --backend java --weight-dtype bf16 before switching"
                : "the " + backend + " backend runs its graph in f32 (--weight-dtype applies to the java backend only)";
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

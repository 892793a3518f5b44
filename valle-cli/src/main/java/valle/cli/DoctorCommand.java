package valle.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import valle.core.load.JsonWriter;
import valle.core.plugin.Plugins;

/**
 * {@code valle doctor}: what this machine can do before anything is downloaded (JDK, CPU, memory, espeak-ng,
 * plugins, bundled defaults, settings), what to run it with, and whether {@code speak} has what it needs. Exits 1
 * only when it does not (see {@link SpeakReadiness}), with each fix in the verdict.
 */
@Command(name = "doctor",
        description = "Check this machine: JDK and vector support, CPU features, memory, espeak-ng, every plugin, the"
                + " bundled defaults, the settings in force, and the backend, weight format and threads to use."
                + " Exits 1 when something speak needs is missing, naming the fix.",
        footer = {"  ./valle doctor", "  ./valle doctor --json > doctor.json"})
final class DoctorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Option(names = "--json", description = "Print one JSON object instead of the text report.")
    boolean json;

    @Override
    public Integer call() {
        Plugins plugins = Plugins.discover();
        List<PluginRow> rows = PluginRow.of(plugins);
        CpuFacts cpu = CpuFacts.ofThisMachine();
        SpeakReadiness readiness = SpeakReadiness.of(plugins, rows);
        List<DoctorSection> sections = List.of(JdkFacts.section(), cpu.section(), MemoryFacts.section(),
                EspeakFacts.section(plugins), pluginSection(plugins, rows), BundledDefaultsFacts.section(),
                SettingsFacts.section(plugins), Recommendation.of(plugins, cpu).section(), readiness.section());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> report = new LinkedHashMap<>();
            sections.forEach(s -> report.put(s.name(), s.facts()));
            out.println(JsonWriter.write(report));
        } else {
            sections.forEach(s -> s.printText(out));
        }
        out.flush();
        if (!readiness.ready()) {
            PrintWriter err = spec.commandLine().getErr();
            readiness.problems().forEach(p -> err.println("valle: " + p.what() + " (fix: " + p.fix() + ")"));
            err.flush();
            return 1;
        }
        return 0;
    }

    private static DoctorSection pluginSection(Plugins plugins, List<PluginRow> rows) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("backends", List.copyOf(plugins.backends()));
        facts.put("discovered", rows.stream().map(PluginRow::facts).toList());
        return new DoctorSection("plugins", facts);
    }
}

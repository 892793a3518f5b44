package valle.cli;

import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import valle.core.Valle;

/** {@code valle plugins}: every discovered plugin with kind, name, backend, priority, module and availability. */
@Command(name = "plugins", description = "List every discovered plugin: kind, name, backend, priority, and whether it can run here.",
        footer = {"  ./valle plugins"})
final class PluginsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Mixin
    VerboseOption verbose;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        try (Valle valle = Valle.builder().build()) {
            out.printf("%-17s %-14s %-8s %8s  %-18s %s%n", "KIND", "NAME", "BACKEND", "PRIORITY", "MODULE", "STATUS");
            for (PluginRow p : PluginRow.of(valle.plugins())) {
                out.printf("%-17s %-14s %-8s %8d  %-18s %s%n", p.kind(), p.name(), p.backend(), p.priority(), p.module(),
                        p.availability());
            }
        }
    }
}

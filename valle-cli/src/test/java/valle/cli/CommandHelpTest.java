package valle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every command answers {@code -h/--help} and {@code -V/--version} with exit code 0, its usage and examples, found
 * by walking the command model so that a command added later is covered without a word here.
 */
class CommandHelpTest {

    /** The command model as the CLI runs it, on no streams. */
    private static CommandLine model() {
        return Main.commandLine(InputStream.nullInputStream(), OutputStream.nullOutputStream(),
                new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()));
    }

    /** The command path of every command below {@code valle}, e.g. {@code [speak]}, at any depth. */
    static Stream<List<String>> commands() {
        List<List<String>> paths = new ArrayList<>();
        collect(model(), new ArrayList<>(), paths);
        return paths.stream();
    }

    private static void collect(CommandLine command, List<String> path, List<List<String>> into) {
        command.getSubcommands().forEach((name, sub) -> {
            // aliases point at the same command; walk each once, under its own name
            if (name.equals(sub.getCommandName())) {
                List<String> p = new ArrayList<>(path);
                p.add(name);
                into.add(p);
                collect(sub, p, into);
            }
        });
    }

    @ParameterizedTest
    @MethodSource("commands")
    void everyCommandPrintsItsUsageAndExamples(List<String> path) {
        for (String flag : new String[] {"--help", "-h"}) {
            CliResult r = run(path, flag);
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().startsWith("Usage: valle " + String.join(" ", path)), r.out());
            assertTrue(r.out().contains("-h, --help") && r.out().contains("-V, --version"), r.out());
            assertTrue(r.out().contains("Examples:\n  ./valle " + String.join(" ", path))
                    || r.out().contains("Examples:\n  source <(./valle " + String.join(" ", path)), r.out());
        }
    }

    @ParameterizedTest
    @MethodSource("commands")
    void everyCommandPrintsTheVersionOfValleAndTheJdk(List<String> path) {
        for (String flag : new String[] {"--version", "-V"}) {
            CliResult r = run(path, flag);
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().startsWith("valle " + ValleVersion.version() + "\nJDK " + Runtime.version()), r.out());
        }
    }

    @Test
    void theVersionIsThePomsNotAPlaceholder() {
        assertTrue(ValleVersion.version().matches("\\d+\\.\\d+\\.\\d+.*"), ValleVersion.version());
    }

    @Test
    void everyCommandHasExamplesOfItsOwn() {
        String[] root = model().getCommandSpec().usageMessage().footer();
        commands().forEach(path -> {
            CommandLine c = model();
            for (String name : path) {
                c = c.getSubcommands().get(name);
            }
            String[] footer = c.getCommandSpec().usageMessage().footer();
            assertTrue(footer.length > 0 && !List.of(footer).equals(List.of(root)), path + " has no examples of its own");
        });
    }

    @Test
    void theCompletionScriptCompletesEveryCommand() {
        CliResult r = run(List.of("completion"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("#!/usr/bin/env bash"), r.out());
        assertTrue(r.out().contains("complete -F _complete_valle"), "registers the completion function");
        List<List<String>> paths = commands().toList();
        assertFalse(paths.isEmpty());
        for (List<String> path : paths) {
            String name = path.getLast();
            assertTrue(r.out().matches("(?s).*local commands=\"([^\"]* )?" + Pattern.quote(name) + "( [^\"]*)?\".*"),
                    name + " is not offered");
        }
        // the options of a command are offered after it
        assertTrue(r.out().contains("--prompt") && r.out().contains("--weights"), "options are offered");
    }

    private static CliResult run(List<String> path, String... flags) {
        List<String> args = new ArrayList<>(path);
        args.addAll(List.of(flags));
        CliResult r = CliResult.run(args.toArray(String[]::new));
        return new CliResult(r.code(), r.out().replace(System.lineSeparator(), "\n"), r.err());
    }
}

package valle.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import valle.api.UnbuildableModelException;
import valle.api.ValleException;

/** {@code valle <command>}: the entry point of the launcher script and of {@code java -m valle.cli}. */
// INHERIT: -h/--help, -V/--version and the examples heading reach every subcommand
@Command(name = "valle", scope = CommandLine.ScopeType.INHERIT, mixinStandardHelpOptions = true,
        versionProvider = ValleVersion.class, footerHeading = "%nExamples:%n",
        footer = {"  ./valle speak \"Hello, world.\" --out hello.wav", "  ./valle plugins",
            "  ./valle speak --help", "  source <(./valle completion)"},
        description = "VALL-E text-to-speech on the JVM.",
        subcommands = {SpeakCommand.class, TranscribeCommand.class, ServeCommand.class, PhonemizeCommand.class, EncodeCommand.class, DecodeCommand.class,
            CheckCommand.class,
            ConformanceCommand.class, KernelsCommand.class, BenchCommand.class, BackendBenchCommand.class, CodecBenchCommand.class, LoadCommand.class,
            PluginsCommand.class, DoctorCommand.class, CompletionCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        CliLogging.configure(java.util.List.of(args));
        System.exit(run(args, System.in, System.out, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given text streams (no standard input, no binary output); returns the exit code. */
    static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, InputStream.nullInputStream(), OutputStream.nullOutputStream(), out, err);
    }

    /**
     * Runs the command line; returns the exit code. {@code stdin} and {@code binaryOut} are the raw streams
     * that {@code speak -} reads text from and {@code speak --out -} writes WAV bytes to.
     */
    static int run(String[] args, InputStream stdin, OutputStream binaryOut, PrintWriter out, PrintWriter err) {
        return commandLine(stdin, binaryOut, out, err).execute(args);
    }

    /**
     * The command model as {@link #run} executes it: {@code speak} reading {@code stdin} and writing WAV bytes to
     * {@code binaryOut}, text to {@code out} and {@code err}, errors as one line and exit code 1.
     */
    static CommandLine commandLine(InputStream stdin, OutputStream binaryOut, PrintWriter out, PrintWriter err) {
        CommandLine.IFactory defaults = CommandLine.defaultFactory();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            @SuppressWarnings("unchecked")
            public <K> K create(Class<K> type) throws Exception {
                return type == SpeakCommand.class ? (K) new SpeakCommand(stdin, binaryOut) : defaults.create(type);
            }
        };
        CommandLine cli = new CommandLine(new Main(), factory);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean verbose = parseResult.subcommand() != null
                    && parseResult.subcommand().hasMatchedOption("--verbose");
            if (e instanceof UnbuildableModelException) {
                // a configuration the reference itself cannot run: not a usage mistake, no trace to show
                err.println("valle: " + e.getMessage());
                return 1;
            }
            // refusals of bad input are expected: one line naming the file and the fix, exit 1 (picocli keeps 2 for
            // a mistyped command line); anything else is a bug, still one line unless --verbose asks for the trace
            boolean refusal = e instanceof ValleException || e instanceof IllegalArgumentException
                    || e instanceof IllegalStateException || e instanceof UncheckedIOException
                    || e instanceof UnsupportedOperationException;
            err.println("valle: " + (refusal ? "" : "internal error: " + e.getClass().getSimpleName() + ": ")
                    + String.valueOf(e.getMessage()).replace('\n', ' ')
                    + (refusal || verbose ? "" : " (run with --verbose for the stack trace)"));
            if (verbose) {
                e.printStackTrace(err);
            }
            return 1;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}

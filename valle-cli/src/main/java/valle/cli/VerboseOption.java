package valle.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --verbose} flag every command takes. {@link Main} reads it from the parse result to print stack
 * traces of errors, and {@link CliLogging} from the arguments, before anything logs, to show valle's debug log
 * lines (the plugin choices); only {@code check}, which reports each file's problem itself, reads the field.
 */
final class VerboseOption {
    @Option(names = "--verbose", description = "Print stack traces of errors and the plugin choices.")
    boolean verbose;
}

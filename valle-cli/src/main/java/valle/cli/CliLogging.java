package valle.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line's log levels. valle's libraries log through SLF4J (the plugin choices at debug level), and so do
 * Javalin, Jetty and DJL; the CLI binds slf4j-simple, which reads its settings from system properties once, when
 * the first logger is made, so {@link Main} sets them from the flags before anything logs: warnings and errors
 * by default, valle's debug lines and the libraries' info lines with {@code --verbose} (not the libraries' debug
 * lines: Jetty's alone run to thousands), errors only with {@code --quiet}. A {@code -Dorg.slf4j.simpleLogger.*}
 * option given to the JVM ({@code VALLE_JAVA_OPTS}) wins over these.
 */
final class CliLogging {
    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private CliLogging() {
    }

    /** Sets slf4j-simple's properties for this command line, leaving any the JVM was given. */
    static void configure(List<String> args) {
        properties(args).forEach((key, value) -> {
            if (System.getProperty(key) == null) {
                System.setProperty(key, value);
            }
        });
    }

    /** slf4j-simple's properties for this command line: one line per message on stderr, the level from the flags. */
    static Map<String, String> properties(List<String> args) {
        int end = args.indexOf("--");
        List<String> options = end < 0 ? args : args.subList(0, end);
        boolean verbose = options.contains("--verbose");
        boolean quiet = options.contains("--quiet") || options.contains("-q");
        Map<String, String> p = new LinkedHashMap<>();
        p.put(PREFIX + "logFile", "System.err");
        p.put(PREFIX + "showDateTime", "false");
        p.put(PREFIX + "showThreadName", "false");
        p.put(PREFIX + "defaultLogLevel", verbose ? "info" : quiet ? "error" : "warn");
        if (verbose) {
            p.put(PREFIX + "log.valle", "debug");
        } else {
            // DJL warns twice on every start where a CUDA library is present without a usable driver
            // ("Failed to detect GPU count"); it then runs on the CPU, which ./valle plugins reports
            p.put(PREFIX + "log.ai.djl.util.cuda", "error");
        }
        return p;
    }
}

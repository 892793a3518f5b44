package valle.cli;

import java.nio.file.Path;
import java.util.List;

/**
 * One kind of file {@code valle check} validates: it reads the file completely, with the same readers the
 * other commands use, and returns the lines of its summary. A problem is thrown as an exception whose message
 * names the file and what is wrong ({@link valle.api.ValleException}, {@link IllegalArgumentException}).
 */
interface FileCheck {

    /** What the check takes the file for, for the summary ({@code "VALL-E checkpoint"}). */
    String kind();

    /** Validates {@code file}; returns the summary lines. */
    List<String> check(Path file);
}

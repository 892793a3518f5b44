package valle.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The process's peak resident set: {@code VmHWM} of {@code /proc/self/status}, the most physical memory the
 * process has held at once since it started. It counts everything resident: the Java heap's touched pages, the
 * pages of a memory-mapped checkpoint that were read, native allocations (ONNX Runtime, libtorch, off-heap
 * weights), thread stacks and the JVM's own code and metadata.
 */
final class PeakResidentSet {
    private PeakResidentSet() {
    }

    /** The peak so far, in bytes; -1 where the system has no {@code /proc/self/status} (not Linux). */
    static long bytes() {
        try {
            return parse(Files.readAllLines(Path.of("/proc/self/status")));
        } catch (IOException | SecurityException e) {
            return -1;
        }
    }

    /** The {@code VmHWM:} line of a status file ({@code "VmHWM:   123456 kB"}) in bytes; -1 when there is none. */
    static long parse(List<String> statusLines) {
        for (String line : statusLines) {
            if (line.startsWith("VmHWM:")) {
                String[] parts = line.substring("VmHWM:".length()).trim().split("\\s+");
                if (parts.length != 2 || !parts[1].equals("kB")) {
                    throw new IllegalArgumentException("unexpected VmHWM line '" + line + "' (expected 'VmHWM: <n> kB')");
                }
                return Long.parseLong(parts[0]) * 1024;
            }
        }
        return -1;
    }
}

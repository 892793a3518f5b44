package valle.core.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import valle.api.ModelFormatException;

/** Where a checkpoint is: the {@code .sft} file itself, or a folder holding exactly one. */
public final class CheckpointLocation {
    private CheckpointLocation() {
    }

    /**
     * The checkpoint file {@code location} names.
     *
     * @throws ModelFormatException when it does not exist, or is a folder with no or several {@code .sft} files
     */
    public static Path resolve(Path location) {
        if (!Files.exists(location)) {
            throw new ModelFormatException(location + ": no such file or folder (give the checkpoint, e.g. ar+nar-len-llama-8.sft)");
        }
        if (!Files.isDirectory(location)) {
            return location;
        }
        List<Path> found;
        try (Stream<Path> files = Files.list(location)) {
            found = files.filter(f -> f.getFileName().toString().endsWith(".sft") && Files.isRegularFile(f)).sorted().toList();
        } catch (IOException e) {
            throw new ModelFormatException(location + ": cannot list the folder: " + e.getMessage(), e);
        }
        if (found.size() != 1) {
            throw new ModelFormatException(location + ": " + (found.isEmpty() ? "holds no .sft checkpoint"
                    : "holds " + found.size() + " checkpoints " + found.stream().map(f -> f.getFileName().toString()).toList()
                    + "; name one"));
        }
        return found.getFirst();
    }
}

package valle.tck.hostile;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One file of the hostile corpus: a damaged or malicious input of one class, and what a reader must say when it
 * refuses it.
 *
 * @param name     the class of hostility, unique in the corpus ({@code safetensors/offsets-overlap})
 * @param kind     which reader it is aimed at, so a test knows which commands it applies to
 * @param file     the file (or folder, for codec weights with their config)
 * @param expected a fragment the one-line refusal must contain
 */
public record HostileFile(String name, Kind kind, Path file, String expected) {

    /** The reader a hostile file is aimed at. */
    public enum Kind {
        /** A VALL-E {@code .sft} checkpoint: {@code check}, {@code speak --model}. */
        CHECKPOINT,
        /** Codec weights, a file or a folder with its config: {@code check}, {@code encode/decode --weights}. */
        CODEC_WEIGHTS,
        /** A WAV file: {@code check}, {@code encode}, a prompt for {@code speak}. */
        WAV,
        /** A code matrix ({@code .npy} or {@code .enc}): {@code check}, {@code decode}, {@code speak --prompt-codes}. */
        CODES
    }

    public HostileFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(expected, "expected");
    }
}

package valle.core.load;

import java.nio.file.Path;
import valle.api.codec.AudioCodec;
import valle.api.codec.Codes;

/**
 * Code matrices on disk: an {@code .npy} integer array {@code [T, levels]}, or one of the reference's
 * {@code .enc} files (read with {@link EncFile}'s strict unpickler).
 */
public final class CodesFile {
    /** EnCodec 24 kHz has 32 codebooks (24 kbps), the most of any codec VALL-E uses. */
    public static final int MAX_LEVELS = 32;
    private CodesFile() {
    }

    /** Whether {@code file} is named as a codes file ({@code .npy} or {@code .enc}) rather than audio. */
    public static boolean isCodesFile(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return name.endsWith(".npy") || name.endsWith(".enc");
    }

    /**
     * Reads codes, checking their rank, type, size (at least one frame, 1 to {@value #MAX_LEVELS} levels) and range
     * ({@code 0 .. 1023}, the codebooks of EnCodec 24 kHz).
     *
     * @throws IllegalArgumentException naming the file when it holds no code matrix
     * @throws valle.api.ModelFormatException when the file is malformed
     */
    public static Codes read(Path file) {
        if (file.getFileName().toString().endsWith(".enc")) {
            return EncFile.read(file).codes();
        }
        NpyArray a = NpyArray.read(file);
        if (a.shape().length != 2 || !a.integral()) {
            throw new IllegalArgumentException(file + ": codes must be an integer array [T, levels], got "
                    + (a.integral() ? "" : "floats of shape ") + a.shapeString());
        }
        if (a.shape()[0] == 0 || a.shape()[1] == 0) {
            throw new IllegalArgumentException(file + ": the codes " + a.shapeString() + " hold no frames or no levels");
        }
        if (a.shape()[1] > MAX_LEVELS) {
            throw new IllegalArgumentException(file + ": " + a.shape()[1] + " levels of codes, more than any codec has ("
                    + MAX_LEVELS + "); the array is [T, levels], not [levels, T]?");
        }
        int[] data = a.ints();
        for (int c : data) {
            if (c < 0 || c > EncFile.MAX_CODE) {
                throw new IllegalArgumentException(file + ": code " + c + " is outside 0.." + EncFile.MAX_CODE);
            }
        }
        return new Codes(a.shape()[0], a.shape()[1], data);
    }

    /**
     * Refuses codes that {@code codec} cannot decode, naming the file: more levels than it has codebooks, or a
     * code beyond its codebook size.
     */
    public static void requireDecodable(Path file, Codes codes, AudioCodec codec, String codecName) {
        if (codes.levels() > codec.maxLevels()) {
            throw new IllegalArgumentException(file + ": " + codes.levels() + " levels of codes, but the " + codecName
                    + " codec has " + codec.maxLevels() + " (codes made for another codec?)");
        }
        for (int i = 0; i < codes.data().length; i++) {
            int c = codes.data()[i];
            if (c < 0 || c >= codec.codebookSize()) {
                throw new IllegalArgumentException(file + ": code " + c + " at frame " + i / codes.levels() + ", level "
                        + i % codes.levels() + " is outside the " + codecName + " codebooks (0.." + (codec.codebookSize() - 1) + ")");
            }
        }
    }

    /** Writes {@code .npy} int32 {@code [T, levels]}, atomically. */
    public static void write(Path file, Codes codes) {
        NpyArray.writeInts(file, new int[] {codes.frames(), codes.levels()}, codes.data());
    }
}

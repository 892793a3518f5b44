package valle.core.load;

import java.nio.file.Path;
import valle.api.codec.Codes;

/**
 * Code matrices on disk: an {@code .npy} integer array {@code [T, levels]}, or one of the reference's
 * {@code .enc} files (read with {@link EncFile}'s strict unpickler).
 */
public final class CodesFile {
    private CodesFile() {
    }

    /**
     * Reads codes, checking their rank, type and range ({@code 0 .. 1023}, the codebooks of EnCodec 24 kHz).
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
            throw new IllegalArgumentException(file + ": codes must be an integer array [T, levels], got " + a.shapeString());
        }
        int[] data = a.ints();
        for (int c : data) {
            if (c < 0 || c > EncFile.MAX_CODE) {
                throw new IllegalArgumentException(file + ": code " + c + " is outside 0.." + EncFile.MAX_CODE);
            }
        }
        return new Codes(a.shape()[0], a.shape()[1], data);
    }

    /** Writes {@code .npy} int32 {@code [T, levels]}, atomically. */
    public static void write(Path file, Codes codes) {
        NpyArray.writeInts(file, new int[] {codes.frames(), codes.levels()}, codes.data());
    }
}

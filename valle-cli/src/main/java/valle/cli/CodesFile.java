package valle.cli;

import java.nio.file.Path;
import valle.api.codec.Codes;
import valle.core.load.EncFile;
import valle.core.load.NpyArray;

/** Code matrices on disk: an {@code .npy} integer array {@code [T, levels]}, or one of the reference's {@code .enc} files. */
final class CodesFile {
    private CodesFile() {
    }

    static Codes read(Path file) {
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

    /** {@code .npy} int32 {@code [T, levels]}, written atomically. */
    static void write(Path file, Codes codes) {
        NpyArray.writeInts(file, new int[] {codes.frames(), codes.levels()}, codes.data());
    }
}

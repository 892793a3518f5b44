package valle.codec.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import valle.api.ModelFormatException;
import valle.api.tensor.TensorView;
import valle.api.tensor.Weights;

/**
 * Reads a weight file of either published kind, told apart by content, not by name: safetensors, or a
 * PyTorch zip checkpoint ({@code .th}, {@code .bin}, {@code .pt}). Also reads the config files beside them.
 */
public final class WeightFile {
    private WeightFile() {
    }

    /** The tensors of {@code file}, named as stored; the file name is their source in error messages. */
    public static Weights read(Path file) {
        String source = name(file);
        byte[] head = head(file, source);
        List<TensorView> tensors;
        if (TorchCheckpoint.looksLike(head) || head.length >= 2 && (head[0] & 0xff) == 0x80) {
            tensors = TorchCheckpoint.read(file, head);
        } else {
            byte[] raw;
            try {
                raw = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new ModelFormatException(source + ": cannot read: " + e.getMessage(), e);
            } catch (OutOfMemoryError e) {
                throw new ModelFormatException(source + ": too large to read into memory", e);
            }
            if (!SafetensorsReader.looksLike(raw)) {
                throw new ModelFormatException(source + ": neither a safetensors file nor a PyTorch zip checkpoint");
            }
            tensors = SafetensorsReader.read(raw, source);
        }
        return Weights.of(source, tensors);
    }

    /** A UTF-8 text file (a config), or a clear error naming it when it is missing. */
    public static String text(Path file, String what) {
        try {
            return Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(file + ": missing (" + what + ")");
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static byte[] head(Path file, String source) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(16);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(file + ": no such file");
        } catch (IOException e) {
            throw new ModelFormatException(source + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static String name(Path file) {
        return file.getFileName() == null ? file.toString() : file.getFileName().toString();
    }
}

package valle.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import valle.api.ValleException;
import valle.core.load.SafetensorsFile;

/**
 * What a file is, recognised by its name where the name is one valle knows ({@code .sft}, {@code .wav}, ...)
 * and by its first bytes otherwise, and the {@link FileCheck} that validates it.
 */
enum FileKind {
    SAFETENSORS, TORCH_ZIP, WAV, NPY, PICKLE, FOLDER, UNKNOWN;

    /** The kind of {@code file} by its first bytes ({@link #FOLDER} for a directory). */
    static FileKind of(Path file) {
        if (Files.isDirectory(file)) {
            return FOLDER;
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(16);
        } catch (IOException e) {
            return UNKNOWN;
        }
        if (head.length >= 9 && head[8] == '{'
                && ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getLong(0) > 1) {
            return SAFETENSORS;
        }
        if (startsWith(head, "PK\u0003\u0004")) {
            return TORCH_ZIP;
        }
        if (startsWith(head, "RIFF") || startsWith(head, "RF64")) {
            return WAV;
        }
        if (startsWith(head, "\u0093NUMPY")) {
            return NPY;
        }
        if (head.length >= 2 && (head[0] & 0xff) == 0x80) {
            return PICKLE;
        }
        return UNKNOWN;
    }

    /**
     * The check for {@code file}.
     *
     * @throws ValleException when the file is missing or of no kind valle reads
     */
    static FileCheck checkFor(Path file) {
        if (!Files.exists(file)) {
            throw new ValleException(file + ": no such file");
        }
        FileKind kind = of(file);
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "";
        return switch (ext) {
            case "sft" -> new CheckpointCheck();
            case "wav", "wave" -> new WavCheck();
            case "npy", "enc" -> new CodesCheck();
            case "th", "bin", "pt", "pth" -> new CodecWeightsCheck();
            case "safetensors" -> kind == SAFETENSORS && hasConfig(file) ? new CheckpointCheck() : new CodecWeightsCheck();
            default -> switch (kind) {
                case FOLDER -> holdsCheckpoint(file) ? new CheckpointCheck() : new CodecWeightsCheck();
                case TORCH_ZIP -> new CodecWeightsCheck();
                case SAFETENSORS -> hasConfig(file) ? new CheckpointCheck() : new CodecWeightsCheck();
                case WAV -> new WavCheck();
                case NPY, PICKLE -> new CodesCheck();
                case UNKNOWN -> throw new ValleException(file + ": not a kind of file valle reads (a VALL-E .sft"
                        + " checkpoint, codec weights .th / .bin / .safetensors or their folder, .wav audio, .npy or .enc"
                        + " codes)");
            };
        };
    }

    /** Whether a folder holds a {@code .sft} file, as a folder given to {@code speak --model} does. */
    private static boolean holdsCheckpoint(Path folder) {
        try (var files = Files.list(folder)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".sft"));
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether a safetensors file carries a VALL-E {@code config}; false when it cannot even be opened. */
    private static boolean hasConfig(Path file) {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            return f.metadata().containsKey("config");
        } catch (ValleException unreadable) {
            return false;
        }
    }

    private static boolean startsWith(byte[] head, String magic) {
        if (head.length < magic.length()) {
            return false;
        }
        for (int i = 0; i < magic.length(); i++) {
            if ((head[i] & 0xff) != magic.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}

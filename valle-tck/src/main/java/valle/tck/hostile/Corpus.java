package valle.tck.hostile;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import valle.tck.hostile.HostileFile.Kind;

/** Writes the files of one class of hostile input into one folder, each named after its class. */
final class Corpus {
    private final Path dir;
    private final Kind kind;
    private final String extension;
    private final List<HostileFile> files = new ArrayList<>();

    Corpus(Path dir, Kind kind, String extension) {
        this.dir = dir;
        this.kind = kind;
        this.extension = extension;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code bytes} as {@code <name><extension>}. */
    Path add(String name, byte[] bytes, String expected) {
        Path file = dir.resolve(name + extension);
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.add(new HostileFile(dir.getFileName() + "/" + name, kind, file, expected));
        return file;
    }

    /** A file whose 8-byte length prefix claims {@code headerLength} bytes and is that long, sparse on disk. */
    void addSparse(String name, long headerLength, String expected) {
        Path file = dir.resolve(name + extension);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(headerLength).array());
            f.setLength(8 + headerLength);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.add(new HostileFile(dir.getFileName() + "/" + name, kind, file, expected));
    }

    /** Records a folder (codec weights with their config) made by the caller under {@link #dir()}. */
    void addFolder(String name, Path folder, String expected) {
        files.add(new HostileFile(dir.getFileName() + "/" + name, kind, folder, expected));
    }

    Path dir() {
        return dir;
    }

    List<HostileFile> files() {
        return List.copyOf(files);
    }
}

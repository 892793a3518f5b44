package valle.tck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import valle.core.load.NpyArray;
import valle.kit.io.Json;

/** File access inside one golden case folder: arrays by name, and the manifest's {@code values}. */
final class GoldenFolder {
    private final Path dir;
    private final Map<String, Object> values;
    private final List<String> listed;

    GoldenFolder(Path dir) {
        this.dir = dir;
        Path manifest = dir.resolve("manifest.json");
        if (Files.isRegularFile(manifest)) {
            Map<String, Object> m = Json.parseObject(read(manifest), manifest.toString());
            this.values = m.get("values") instanceof Map<?, ?> v ? cast(v) : Map.of();
            this.listed = m.get("arrays") instanceof Map<?, ?> a ? a.keySet().stream().map(String::valueOf)
                    .map(n -> n.endsWith(".npy") ? n.substring(0, n.length() - 4) : n).toList() : List.of();
        } else {
            this.values = Map.of();
            this.listed = List.of();
        }
    }

    Path dir() {
        return dir;
    }

    /** The array {@code name}.npy, if the folder has it. */
    Optional<NpyArray> array(String name) {
        Path f = dir.resolve(name + ".npy");
        return Files.isRegularFile(f) ? Optional.of(NpyArray.read(f)) : Optional.empty();
    }

    /** The folder {@code name} beside this one. */
    GoldenFolder sibling(String name) {
        return new GoldenFolder(dir.resolveSibling(name));
    }

    /** Names (without {@code .npy}) of the arrays the manifest's {@code arrays} lists, in its order. */
    List<String> listedArrays() {
        return listed;
    }

    /** The manifest value {@code key}, if present. */
    Optional<Object> value(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** Names (without {@code .npy}) of the arrays in the folder, sorted. */
    List<String> arrayNames() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".npy"))
                    .map(n -> n.substring(0, n.length() - 4)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }
}

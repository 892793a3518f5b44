package valle.tck.hostile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import valle.tck.hostile.HostileFile.Kind;

/**
 * Codec weight folders whose weights are sound but whose config is not: broken JSON and YAML, a YAML feature
 * the reader refuses, a config missing, and a config that does not match the tensors.
 */
final class CodecFolderHostiles {
    private CodecFolderHostiles() {
    }

    static List<HostileFile> write(Path weights, Path dir) {
        Corpus c = new Corpus(dir.resolve("codec"), Kind.CODEC_WEIGHTS, "");
        Path encodec = weights.resolve("encodec_hf");
        Path vocos = weights.resolve("vocos");
        folder(c, "encodec-config-not-json", encodec.resolve("model.safetensors"), "config.json", "{\"model_type\": \"encodec\",",
                "config.json");
        folder(c, "encodec-config-does-not-match-the-tensors", encodec.resolve("model.safetensors"), "config.json",
                read(encodec.resolve("config.json")).replace("\"num_filters\": 3", "\"num_filters\": 5"), "shape");
        folder(c, "vocos-config-tab-indented", vocos.resolve("pytorch_model.bin"), "config.yaml",
                read(vocos.resolve("config.yaml")).replace("\n  ", "\n\t"), "tab");
        folder(c, "vocos-config-missing", vocos.resolve("pytorch_model.bin"), null, null, "config.yaml");
        return c.files();
    }

    private static void folder(Corpus c, String name, Path weightFile, String configName, String config, String expected) {
        Path folder = c.dir().resolve(name);
        try {
            Files.createDirectories(folder);
            Files.copy(weightFile, folder.resolve(weightFile.getFileName()));
            if (configName != null) {
                Files.writeString(folder.resolve(configName), config);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        c.addFolder(name, folder, expected);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

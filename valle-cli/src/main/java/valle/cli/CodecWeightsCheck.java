package valle.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import valle.api.ValleException;
import valle.api.codec.AudioCodec;
import valle.api.codec.Codec;
import valle.core.Valle;
import valle.core.load.SafetensorsFile;
import valle.core.plugin.CodecRole;

/**
 * {@code valle check} of codec weights: a weight file ({@code .th}, {@code pytorch_model.bin},
 * {@code model.safetensors}) or the folder holding it with its config, opened by the codec plugin that owns
 * the layout (a {@code config.yaml} means Vocos; otherwise EnCodec) exactly as {@code encode} and
 * {@code decode} open it: the config read, every tensor bound to the shape the config implies.
 */
final class CodecWeightsCheck implements FileCheck {

    @Override
    public String kind() {
        return "codec weights";
    }

    @Override
    public List<String> check(Path location) {
        String name = codecOf(location);
        List<String> summary = new ArrayList<>();
        try (Valle valle = Valle.builder().build()) {
            Codec codec = CodecRole.DECODE.choose(valle.plugins().codecs(), name);
            try (AudioCodec opened = codec.open(location)) {
                summary.add(String.format(Locale.ROOT, "%s: %d Hz, %.1f frames/s, %d of %d levels by default, codebooks"
                                + " of %d, %s", name, opened.sampleRate(), opened.frameRate(), opened.levels(),
                        opened.maxLevels(), opened.codebookSize(), codec.canEncode() ? "encodes and decodes" : "decodes"));
            }
        }
        Path weights = Files.isDirectory(location) ? safetensorsIn(location) : location;
        if (weights != null && looksLikeSafetensors(weights)) {
            try (SafetensorsFile file = SafetensorsFile.open(weights)) {
                summary.add(weights.getFileName() + ": " + TensorCensus.of(file));
            }
        }
        return summary;
    }

    /** {@code config.yaml} beside the weights means Vocos; {@code config.json} or an original {@code .th}, EnCodec. */
    private static String codecOf(Path location) {
        if (Files.isRegularFile(configBeside(location, "config.yaml"))) {
            return "vocos";
        }
        boolean th = Files.isDirectory(location) ? hasTh(location) : location.getFileName().toString().endsWith(".th");
        if (th || Files.isRegularFile(configBeside(location, "config.json"))) {
            return "encodec";
        }
        throw new ValleException(location + ": codec weights need their config beside them: config.json (EnCodec,"
                + " the facebook/encodec_24khz folder) or config.yaml (Vocos, charactr/vocos-encodec-24khz)");
    }

    private static boolean hasTh(Path dir) {
        try (var files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".th"));
        } catch (java.io.IOException e) {
            throw new ValleException(dir + ": cannot list: " + e.getMessage(), e);
        }
    }

    private static Path configBeside(Path location, String config) {
        return Files.isDirectory(location) ? location.resolve(config) : location.toAbsolutePath().resolveSibling(config);
    }

    private static Path safetensorsIn(Path dir) {
        Path f = dir.resolve("model.safetensors");
        return Files.isRegularFile(f) ? f : null;
    }

    private static boolean looksLikeSafetensors(Path file) {
        return FileKind.of(file) == FileKind.SAFETENSORS;
    }
}

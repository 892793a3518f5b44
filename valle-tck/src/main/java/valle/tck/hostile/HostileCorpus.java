package valle.tck.hostile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The hostile corpus: one file per class of damaged or malicious input that valle's readers must refuse with one
 * clear line, made from the tiny test models of a golden folder (a VALL-E checkpoint, an EnCodec {@code .th},
 * the EnCodec and Vocos weight folders) so that every class is exercised on real layouts. Tests drive
 * {@code check}, {@code encode}, {@code decode} and {@code speak} over it; {@link AcceptedWavs} is its
 * counterpart of files that must be accepted.
 */
public final class HostileCorpus {
    private HostileCorpus() {
    }

    /**
     * Writes the corpus under {@code dir}.
     *
     * @param golden a golden folder laid out as {@code valle-tck/golden} ({@code ar_nar/model.sft},
     *               {@code codec/weights/...})
     * @return every hostile file, each class once
     */
    public static List<HostileFile> write(Path golden, Path dir) {
        byte[] model = read(golden.resolve("ar_nar").resolve("model.sft"));
        Path weights = golden.resolve("codec").resolve("weights");
        List<HostileFile> all = new ArrayList<>();
        all.addAll(SafetensorsHostiles.write(model, dir));
        all.addAll(CheckpointHostiles.write(model, dir));
        all.addAll(TorchZipHostiles.write(weights.resolve("encodec_24khz_tiny.th"), dir));
        all.addAll(CodecFolderHostiles.write(weights, dir));
        all.addAll(WavHostiles.write(dir));
        all.addAll(CodesHostiles.write(dir));
        Set<String> names = new HashSet<>();
        for (HostileFile f : all) {
            if (!names.add(f.name())) {
                throw new IllegalStateException("two hostile files named " + f.name());
            }
        }
        return List.copyOf(all);
    }

    /** Whether a hostile pickle of the corpus in {@code dir} ever ran its command (it must not). */
    public static boolean anyPickleRanCode(Path dir) {
        return TorchZipHostiles.markerExists(dir);
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

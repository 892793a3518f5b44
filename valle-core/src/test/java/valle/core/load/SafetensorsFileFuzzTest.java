package valle.core.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import valle.api.ModelFormatException;
import valle.api.tensor.TensorView;
import valle.core.model.ClassifierHeads;
import valle.core.model.ModelConfig;
import valle.core.model.ModelLayout;
import valle.core.model.SequenceBuilder;

/**
 * Coverage-guided fuzzing of the safetensors reader and of what makes a safetensors file a VALL-E checkpoint
 * (its {@code config} metadata, the layout detected from its tensors, the embeddings and heads bound to them).
 * Every input is refused with a {@link ModelFormatException} or opens into tensors that can be read whole.
 * Regression inputs: {@code SafetensorsFileFuzzTestInputs/open}.
 */
class SafetensorsFileFuzzTest {
    /** One file rewritten per input: the reader maps files, it takes no byte arrays. */
    private static final Path FILE = scratchFile();

    @FuzzTest(maxDuration = "10m")
    void open(byte[] input) throws IOException {
        Files.write(FILE, input);
        try (SafetensorsFile file = SafetensorsFile.open(FILE)) {
            for (String name : file.names()) {
                TensorView t = file.find(name).orElseThrow();
                if (t.size() <= 1 << 16) {
                    assertEquals(t.size(), t.toFloatArray().length, name);
                }
            }
            String config = file.metadata().get("config");
            if (config != null) {
                ModelConfig parsed = ModelConfig.parse(config, file.source());
                ModelLayout layout = ModelLayout.detect(parsed, file);
                new SequenceBuilder(parsed, layout, file);
                new ClassifierHeads(layout, file);
            }
        } catch (ModelFormatException refused) {
            // the expected outcome for almost every input
        }
    }

    private static Path scratchFile() {
        try {
            Path f = Files.createTempFile("valle-fuzz-", ".sft");
            f.toFile().deleteOnExit();
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

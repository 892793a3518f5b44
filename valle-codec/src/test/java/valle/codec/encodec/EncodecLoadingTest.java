package valle.codec.encodec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import valle.api.ModelFormatException;
import valle.api.codec.AudioCodec;
import valle.codec.Golden;

/** Where EnCodec weights come from, and how a wrong file or config is refused. */
class EncodecLoadingTest {

    @Test
    void theFolderTheWeightFileAndTheCheckpointFolderAllLoad(@TempDir Path tmp) throws Exception {
        Path th = tmp.resolve("checkpoints");
        Files.createDirectories(th);
        Files.copy(Golden.weights("encodec_24khz_tiny.th"), th.resolve("encodec_24khz-d7cc33bc.th"));
        for (Path p : new Path[] {Golden.weights("encodec_hf"), Golden.weights("encodec_hf/model.safetensors"), th}) {
            try (AudioCodec c = new EncodecCodec().open(p)) {
                assertEquals(32, c.maxLevels(), p.toString());
            }
        }
    }

    @Test
    void aClosedModelRefusesWork() {
        AudioCodec c = new EncodecCodec().open(Golden.weights("encodec_hf"));
        c.close();
        c.close();
        assertThrows(IllegalStateException.class, () -> c.encode(new float[320]));
    }

    @Test
    void aCheckpointOfAnotherModelIsRefused() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> new EncodecCodec().open(Golden.weights("vocos/pytorch_model.bin")));
        assertTrue(e.getMessage().startsWith("pytorch_model.bin: ") && e.getMessage().contains("not an EnCodec checkpoint"),
                e.getMessage());
    }

    @Test
    void aConfigThatDisagreesWithTheTensorsNamesTheTensor(@TempDir Path tmp) throws Exception {
        Path dir = withConfig(tmp, "\"num_filters\": 3", "\"num_filters\": 4");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> EncodecModel.open(dir));
        assertEquals("model.safetensors: tensor 'encoder.layers.0.conv.weight_v' has shape [3, 1, 7], expected [4, 1, 7]"
                + " for this configuration", e.getMessage());
    }

    @Test
    void tensorsTheConfigHasNoPlaceForAreRefused(@TempDir Path tmp) throws Exception {
        Path dir = withConfig(tmp, "\"num_lstm_layers\": 2", "\"num_lstm_layers\": 1");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> EncodecModel.open(dir));
        assertTrue(e.getMessage().startsWith("model.safetensors: 8 tensor(s) that an EnCodec model of this configuration does not have"),
                e.getMessage());
    }

    @Test
    void unsupportedSettingsAreRefusedNamingTheKey(@TempDir Path tmp) throws Exception {
        Path dir = withConfig(tmp, "\"normalize\": false", "\"normalize\": true");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> EncodecModel.open(dir));
        assertTrue(e.getMessage().endsWith("config.json: normalize must be false (input normalisation is the 48 kHz model's)"),
                e.getMessage());
        Path other = withConfig(tmp.resolve("b"), "\"model_type\": \"encodec\"", "\"model_type\": \"vocos\"");
        e = assertThrows(ModelFormatException.class, () -> EncodecModel.open(other));
        assertTrue(e.getMessage().contains("model_type is 'vocos', not 'encodec'"), e.getMessage());
    }

    @Test
    void aFolderWithNeitherLayoutIsRefused(@TempDir Path tmp) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> EncodecModel.open(tmp));
        assertTrue(e.getMessage().contains("expected config.json with model.safetensors, or one .th checkpoint"), e.getMessage());
    }

    private static Path withConfig(Path dir, String from, String to) throws Exception {
        Files.createDirectories(dir);
        String config = Files.readString(Golden.weights("encodec_hf/config.json"));
        assertTrue(config.contains(from), from);
        Files.writeString(dir.resolve("config.json"), config.replace(from, to));
        Files.copy(Golden.weights("encodec_hf/model.safetensors"), dir.resolve("model.safetensors"));
        return dir;
    }
}

package valle.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import valle.api.ModelFormatException;
import valle.api.PluginNotFoundException;
import valle.core.Valle;

class ValleBuilderTest {

    @Test
    void withoutAModelThePluginsAreStillListed() {
        try (Valle valle = Valle.builder().build()) {
            assertEquals("temperature", valle.plugins().samplers().get("temperature").name());
            assertThrows(IllegalStateException.class, valle::model);
        }
    }

    @Test
    void withoutAnyArchPluginTheBuildSaysSoAndHowToFix() {
        // core's own tests have no backbone plugin on the path
        PluginNotFoundException e = assertThrows(PluginNotFoundException.class, () -> Valle.builder()
                .model(Path.of("../valle-tck/golden/ar_nar/model.sft")).build());
        assertTrue(e.getMessage().contains("No arch provider was found at all")
                && e.getMessage().contains("Add the module that provides it"), e.getMessage());
        assertEquals("auto", e.requested());
    }

    @Test
    void aTruncatedModelFileFailsTheBuildNamingTheFile(@TempDir Path tmp) throws Exception {
        byte[] whole = Files.readAllBytes(Path.of("../valle-tck/golden/ar_nar/model.sft"));
        Path cut = tmp.resolve("cut.sft");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length - 100));
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> Valle.builder().model(cut).build());
        assertTrue(e.getMessage().startsWith("cut.sft") && e.getMessage().contains("truncated"), e.getMessage());
    }
}

package valle.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import valle.api.PluginNotFoundException;
import valle.core.Valle;

/** Plugin choice through the facade, with the real plugins on the path. */
class PluginChoiceTest {
    private static final Path MODEL = Path.of("golden/ar_nar/model.sft");

    @Test
    void anUnknownKernelNameFailsListingTheKernelsThatExist() {
        PluginNotFoundException e = assertThrows(PluginNotFoundException.class,
                () -> Valle.builder().model(MODEL).attention("flsh").build());
        assertTrue(e.getMessage().startsWith("no attention kernel named 'flsh'. Available here: sdpa"), e.getMessage());
        assertTrue(e.known().contains("sdpa"));
    }

    @Test
    void namedPluginsLoadTheModel() {
        try (Valle valle = Valle.builder().model(MODEL).arch("llama").attention("sdpa").build()) {
            assertEquals("llama", valle.model().backbone().config().archType());
        }
    }

    @Test
    void aClosedModelRefusesUse() {
        Valle valle = Valle.builder().model(MODEL).build();
        var model = valle.model();
        valle.close();
        valle.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, model::sequences);
        assertEquals("model 'model' is closed", e.getMessage());
    }
}

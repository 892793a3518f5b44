package valle.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import valle.api.PluginNotFoundException;
import valle.api.attention.AttentionMask;
import valle.api.attention.AttentionProblem;
import valle.core.Valle;
import valle.core.plugin.AutoAttention;

/** Plugin choice through the facade, with the real plugins on the path. */
class PluginChoiceTest {
    private static final Path MODEL = Path.of("golden/ar_nar/model.sft");

    @Test
    void anUnknownKernelNameFailsListingTheKernelsThatExist() {
        PluginNotFoundException e = assertThrows(PluginNotFoundException.class,
                () -> Valle.builder().model(MODEL).attention("flsh").build());
        assertTrue(e.getMessage().startsWith("no attention kernel named 'flsh'. Available here: flash, mem-efficient, sdpa."),
                e.getMessage());
        assertTrue(e.known().contains("sdpa"));
    }

    @Test
    void namedPluginsLoadTheModel() {
        try (Valle valle = Valle.builder().model(MODEL).arch("llama").attention("sdpa").build()) {
            assertEquals("llama", valle.model().backbone().config().archType());
        }
    }

    @Test
    void autoAttentionPicksFlashExceptSplitKvForLongDecodesWithFewHeads() {
        try (Valle valle = Valle.builder().build()) {
            AutoAttention auto = new AutoAttention(valle.plugins().attentionKernels());
            float[] x = new float[300 * 16 * 64];
            assertEquals("flash", auto.choose(AttentionProblem.of(x, x, x, 300, 300, 1, 1, 64, AttentionMask.causal(0))).name());
            assertEquals("flash", auto.choose(AttentionProblem.of(x, x, x, 1, 300, 16, 16, 64, AttentionMask.causal(299))).name());
            assertEquals("flash", auto.choose(AttentionProblem.of(x, x, x, 1, 20, 1, 1, 64, AttentionMask.causal(19))).name());
            String longDecodeOneHead = auto.choose(AttentionProblem.of(x, x, x, 1, 300, 1, 1, 64, AttentionMask.causal(299))).name();
            assertEquals(Runtime.getRuntime().availableProcessors() > 1 ? "mem-efficient" : "flash", longDecodeOneHead);
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

package valle.backend.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static valle.tck.contract.Closeness.assertClose;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import valle.api.arch.Arch;
import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.arch.BackboneInput;
import valle.api.arch.MaskMode;
import valle.api.attention.AttentionKernel;
import valle.arch.llama.LlamaArch;
import valle.attention.SdpaKernel;
import valle.tck.contract.ReferenceBackboneContract;

/** The DJL backbone against the pure-Java llama plugin, the definition they must compute. */
class DjlLlamaBackboneTest extends ReferenceBackboneContract {
    private final Arch java = new LlamaArch();
    private final Arch djl = new DjlLlamaArch();

    private static BackboneConfig config(int heads, int kvHeads, String activation) {
        return new BackboneConfig("llama", 32, heads, kvHeads, 2, 48, 1e-6f, 10000f, activation, Map.of());
    }

    @Override
    protected Arch arch() {
        return djl;
    }

    @Override
    protected Arch reference() {
        return java;
    }

    @Override
    protected BackboneConfig config() {
        return config(4, 2, "gelu");
    }

    /** Multi-head, grouped-query and multi-query attention; both activations. */
    @Override
    protected List<BackboneConfig> variants() {
        return List.of(config(4, 4, "gelu"), config(4, 2, "gelu"), config(4, 1, "silu"));
    }

    /** The java llama's attention kernel; the DJL graph computes its own. */
    @Override
    protected AttentionKernel attention() {
        return new SdpaKernel();
    }

    @Override
    protected double tolerance() {
        return 2e-5;
    }

    @Test
    void autoPrefersItToTheJavaLlama() {
        assertEquals("djl", djl.backend());
        assertTrue(djl.priority() > java.priority());
    }

    /**
     * A cache stepped one row at a time past two growths of its buffers holds two arrays a layer after every
     * step (nothing of a pass stays in it) and gives the rows of the full pass.
     */
    @Test
    void aSteppedCacheHoldsTwoArraysALayerAndGivesTheFullPassRows() {
        int steps = 2 * DjlKvCache.BLOCK_ROWS + 20;
        BackboneInput all = input(steps, 0, 5, MaskMode.CAUSAL);
        try (Backbone b = open(weights()); DjlKvCache state = (DjlKvCache) b.newState()) {
            float[] full = b.forward(all);
            for (int i = 0; i < steps; i++) {
                float[] row = b.forward(state, rowsOf(all, i, 1));
                assertEquals(2 * config().layers(), state.heldArrays(), "arrays the cache holds after step " + i);
                assertClose(rowsOf(full, i, 1), row, tolerance(), "row " + i);
            }
        }
    }

    /**
     * Native memory does not grow per step: after a decode loop of a few hundred steps, and after full passes, the
     * backbone holds the arrays it held after the first step (its weights and the open cache's two buffers a
     * layer), so nothing a pass made is left attached to it.
     */
    @Test
    void decodeStepsAndFullPassesLeaveNoArraysBehind() {
        int steps = 3 * DjlKvCache.BLOCK_ROWS;
        BackboneInput all = input(steps, 0, 7, MaskMode.CAUSAL);
        try (Backbone b = open(weights()); DjlKvCache state = (DjlKvCache) b.newState()) {
            DjlLlamaBackbone backbone = (DjlLlamaBackbone) b;
            int weightsOnly = backbone.heldArrays();
            b.forward(state, rowsOf(all, 0, 1));
            int afterFirst = backbone.heldArrays();
            assertEquals(weightsOnly + 2 * config().layers(), afterFirst, "the weights and the cache's buffers");
            for (int i = 1; i < steps; i++) {
                b.forward(state, rowsOf(all, i, 1));
            }
            assertEquals(afterFirst, backbone.heldArrays(), "arrays held after " + steps + " steps");
            b.forward(all);
            b.forward(List.of(all, input(9, 0, 8, MaskMode.BIDIRECTIONAL)));
            assertEquals(afterFirst, backbone.heldArrays(), "arrays held after full passes");
        }
    }
}

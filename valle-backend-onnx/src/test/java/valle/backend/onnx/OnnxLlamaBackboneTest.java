package valle.backend.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static valle.tck.contract.Closeness.assertClose;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import valle.api.arch.Arch;
import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.arch.BackboneInput;
import valle.api.arch.BackboneState;
import valle.api.arch.MaskMode;
import valle.api.attention.AttentionKernel;
import valle.api.tensor.Weights;
import valle.arch.llama.LlamaArch;
import valle.attention.SdpaKernel;
import valle.tck.contract.ReferenceBackboneContract;

/** The ONNX graphs against the pure-Java llama plugin, the definition they must compute. */
class OnnxLlamaBackboneTest extends ReferenceBackboneContract {
    private final Arch java = new LlamaArch();
    private final Arch onnx = new OnnxLlamaArch();

    private static BackboneConfig config(int heads, int kvHeads, String activation) {
        return new BackboneConfig("llama", 32, heads, kvHeads, 2, 48, 1e-6f, 10000f, activation, Map.of());
    }

    @Override
    protected Arch arch() {
        return onnx;
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

    /** The java llama's attention kernel; the ONNX graph computes its own. */
    @Override
    protected AttentionKernel attention() {
        return new SdpaKernel();
    }

    @Override
    protected double tolerance() {
        return 2e-5;
    }

    @Test
    void stepsPastTheCachesGrowthStepsAndMultiRowPassesOverItMatchTheJavaLlama() {
        BackboneConfig c = config(4, 1, "silu");
        Weights w = java.randomWeights(c, 6);
        try (Backbone expected = java.open(c, w, new SdpaKernel()); Backbone actual = onnx.open(c, w, null);
             BackboneState e = expected.newState(); BackboneState a = actual.newState()) {
            int length = OnnxKvCache.GROWTH - 3;
            BackboneInput prefill = input(length, 0, 11, MaskMode.CAUSAL);
            assertClose(expected.forward(e, prefill), actual.forward(a, prefill), tolerance(), "prefill");
            // one-row steps across the first growth, then causal and bidirectional blocks across the second
            for (int step = 0; step < 6; step++, length++) {
                BackboneInput row = input(1, length, 12 + step, MaskMode.CAUSAL);
                assertClose(expected.forward(e, row), actual.forward(a, row), tolerance(), "step " + step);
            }
            BackboneInput block = input(OnnxKvCache.GROWTH - 5, length, 20, MaskMode.CAUSAL);
            assertClose(expected.forward(e, block), actual.forward(a, block), tolerance(), "causal block");
            length += OnnxKvCache.GROWTH - 5;
            BackboneInput nar = input(9, length, 21, MaskMode.BIDIRECTIONAL);
            assertClose(expected.forward(e, nar), actual.forward(a, nar), tolerance(), "bidirectional block");
            assertEquals(length + 9, a.length());
            try (BackboneState fork = a.fork()) {
                BackboneInput row = input(1, length + 9, 22, MaskMode.CAUSAL);
                assertClose(expected.forward(e, row), actual.forward(fork, row), tolerance(), "a step on a fork");
            }
        }
    }

    @Test
    void theCachedMaskShowsThePastHidesTheSpareCapacityAndKeepsTheNewRowsMode() {
        float inf = Float.NEGATIVE_INFINITY;
        // 2 cached rows in a capacity of 4, then 2 new rows
        float[] causal = OnnxLlamaBackbone.cachedMask(MaskMode.CAUSAL, 2, 4, 2);
        float[] both = OnnxLlamaBackbone.cachedMask(MaskMode.BIDIRECTIONAL, 2, 4, 2);
        assertEquals(Arrays.toString(new float[] {0, 0, inf, inf, 0, inf, 0, 0, inf, inf, 0, 0}), Arrays.toString(causal));
        assertEquals(Arrays.toString(new float[] {0, 0, inf, inf, 0, 0, 0, 0, inf, inf, 0, 0}), Arrays.toString(both));
    }

    @Test
    void autoPrefersItToTheJavaLlama() {
        assertEquals("onnx", onnx.backend());
        assertTrue(onnx.priority() > java.priority());
    }
}

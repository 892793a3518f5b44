package valle.tck.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static valle.tck.contract.Closeness.assertClose;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import valle.api.Experimental;
import valle.api.ModelFormatException;
import valle.api.arch.Arch;
import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.arch.BackboneInput;
import valle.api.arch.BackboneProbe;
import valle.api.arch.BackboneState;
import valle.api.arch.MaskMode;
import valle.api.tensor.Weights;

/**
 * The {@link BackboneContract} for an arch that computes what another arch already defines: the same family on
 * another backend (llama on ONNX Runtime or DJL against the pure-Java llama). Beyond the contract, it must take
 * the reference's weights, make the same random weights for a seed, and give the reference's full passes, layer
 * outputs and cached steps, for every config of {@link #variants()}.
 */
@Experimental("the backends' tests are its first users")
public abstract class ReferenceBackboneContract extends BackboneContract {

    /** The arch whose results this one must give; opened with the same {@link #attention()}. */
    protected abstract Arch reference();

    /** The configs the comparisons run over (head layouts, activations); the default is {@link #config()} alone. */
    protected List<BackboneConfig> variants() {
        return List.of(config());
    }

    @Test
    public void randomWeightsAreTheReferencesForASeed() {
        for (BackboneConfig c : variants()) {
            Weights expected = reference().randomWeights(c, 8);
            Weights actual = arch().randomWeights(c, 8);
            assertEquals(expected.names(), actual.names());
            for (String name : expected.names()) {
                assertArrayEquals(expected.find(name).orElseThrow().toFloatArray(),
                        actual.find(name).orElseThrow().toFloatArray(), name);
            }
        }
    }

    @Test
    public void fullPassesAreTheReferences() {
        for (BackboneConfig c : variants()) {
            BackboneInput causal = input(11, 5, 7, MaskMode.CAUSAL);
            BackboneInput bidirectional = new BackboneInput(causal.embeddings(), 11, causal.positions(),
                    MaskMode.BIDIRECTIONAL);
            try (Pair p = pair(c, 3)) {
                assertClose(p.expected.forward(causal), p.actual.forward(causal), tolerance(), c + ", causal");
                assertClose(p.expected.forward(bidirectional), p.actual.forward(bidirectional), tolerance(),
                        c + ", bidirectional");
            }
        }
    }

    @Test
    public void layerOutputsAreTheReferences() {
        for (BackboneConfig c : variants()) {
            BackboneInput in = input(7, 0, 4, MaskMode.BIDIRECTIONAL);
            try (Pair p = pair(c, 6)) {
                List<float[]> want = new ArrayList<>();
                List<float[]> got = new ArrayList<>();
                assertClose(p.expected.forward(in, recorder(want, 7 * width())),
                        p.actual.forward(in, recorder(got, 7 * width())), tolerance(), c + ", probed pass");
                assertEquals(c.layers(), got.size(), "one output per layer");
                for (int l = 0; l < c.layers(); l++) {
                    assertClose(want.get(l), got.get(l), tolerance(), c + ", layer " + l);
                }
            }
        }
    }

    /** A causal prefill, single-row steps, then a bidirectional block over the cache (a NAR pass after a prefix). */
    @Test
    public void cachedStepsAndBidirectionalRowsOverACacheAreTheReferences() {
        for (BackboneConfig c : variants()) {
            try (Pair p = pair(c, 4); BackboneState e = p.expected.newState(); BackboneState a = p.actual.newState()) {
                BackboneInput prefill = input(6, 0, 9, MaskMode.CAUSAL);
                assertClose(p.expected.forward(e, prefill), p.actual.forward(a, prefill), tolerance(), c + ", prefill");
                for (int step = 0; step < 4; step++) {
                    BackboneInput row = input(1, 6 + step, 10 + step, MaskMode.CAUSAL);
                    assertClose(p.expected.forward(e, row), p.actual.forward(a, row), tolerance(), c + ", step " + step);
                }
                BackboneInput nar = input(3, 10, 20, MaskMode.BIDIRECTIONAL);
                assertClose(p.expected.forward(e, nar), p.actual.forward(a, nar), tolerance(),
                        c + ", bidirectional rows over the cache");
                assertEquals(13, a.length());
            }
        }
    }

    /** Weights that do not fit the config (a wider MLP than they have) are refused naming a tensor. */
    @Test
    public void weightsOfAnotherShapeAreRefusedNamingATensor() {
        BackboneConfig c = config();
        BackboneConfig wider = new BackboneConfig(c.archType(), c.hiddenSize(), c.heads(), c.kvHeads(), c.layers(),
                c.intermediateSize() + 16, c.normEps(), c.ropeTheta(), c.activation(), c.options());
        Weights w = reference().randomWeights(c, 1);
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> arch().open(wider, w, attention()).close());
        assertTrue(w.names().stream().anyMatch(e.getMessage()::contains), "the refusal names a tensor: "
                + e.getMessage());
    }

    @Test
    public void theReferenceIsTheSameFamilyOnAnotherBackend() {
        assertEquals(reference().name(), arch().name());
        assertNotEquals(reference().backend(), arch().backend());
        assertTrue(reference().supports(config()).ok(), reference().supports(config()).toString());
    }

    /** The reference's backbone and the one under test for {@code c}, over the reference's random weights. */
    private Pair pair(BackboneConfig c, long seed) {
        // the inputs are [rows, D] of the contract's config
        assertEquals(width(), c.hiddenSize(), "every variant has the config's hidden size");
        Weights w = reference().randomWeights(c, seed);
        Backbone expected = reference().open(c, w, attention());
        try {
            return new Pair(expected, arch().open(c, w, attention()));
        } catch (RuntimeException e) {
            expected.close();
            throw e;
        }
    }

    /** The reference's backbone and the one under test, over the same weights. */
    private record Pair(Backbone expected, Backbone actual) implements AutoCloseable {
        @Override
        public void close() {
            try {
                actual.close();
            } finally {
                expected.close();
            }
        }
    }

    private static BackboneProbe recorder(List<float[]> layers, int values) {
        return new BackboneProbe() {
            @Override
            public void layerOutput(int layer, float[] hidden, int rows) {
                layers.add(Arrays.copyOf(hidden, values));
            }
        };
    }
}

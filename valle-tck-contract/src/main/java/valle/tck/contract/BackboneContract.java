package valle.tck.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static valle.tck.contract.Closeness.assertClose;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
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
import valle.api.attention.AttentionKernel;
import valle.api.tensor.TensorView;
import valle.api.tensor.Weights;

/**
 * What every {@link Backbone} must do, whoever wrote it: a backbone plugin's test extends this class, says which
 * {@link #arch() arch} and {@link #config() config} to build (over the arch's own
 * {@link Arch#randomWeights random weights}) and inherits the tests. Incremental decoding through a state gives
 * the rows of one full pass; a forked state continues like the original and apart from it; a reset state starts
 * over; a batch gives each sequence's separate pass, and batched full and incremental passes give each sequence
 * exactly, bit for bit, what its own pass gives, whatever shares the batch; a state of another backbone, a closed state and a closed
 * backbone are refused with a clear error; a probe sees every layer and changes nothing; missing weights are
 * refused by name.
 *
 * <p>What a backbone legitimately does not do it declares, and the contract then checks that it says so: a
 * backbone that does not {@linkplain #reportsLayers() report layers} must refuse a probe, a backbone that is
 * causal whatever the {@linkplain #honoursBidirectionalMask() mask} must give the causal result for a
 * bidirectional input.
 */
@Experimental("the first contract of the plugin kit; more SPIs (codecs, samplers) may get one")
public abstract class BackboneContract {

    /** The arch under test. */
    protected abstract Arch arch();

    /** A small config of {@link #arch()}'s family: the contract runs many passes. */
    protected abstract BackboneConfig config();

    /** The attention kernel the backbone is opened with; {@code null} (the default) for arches without attention. */
    protected AttentionKernel attention() {
        return null;
    }

    /** The weights the backbone is opened with: the arch's random weights for {@link #config()}, seed 7. */
    protected Weights weights() {
        return arch().randomWeights(config(), 7);
    }

    /**
     * How far two ways of computing the same rows may differ: a cached step against the full pass, a batch
     * against separate passes. The default, 1e-5, is float rounding; a backbone whose incremental form is a
     * different but equivalent formula (RetNet's recurrent form) widens it.
     */
    protected double tolerance() {
        return 1e-5;
    }

    /** The length of the test sequences; long enough to cross what a backbone windows or chunks (default 9). */
    protected int sequenceLength() {
        return 9;
    }

    /**
     * The prefill lengths decoding is tried after (default none, one row and half the sequence; none is a purely
     * recurrent run); a backbone with a window (a convolution's, a chunk's) adds lengths around it.
     */
    protected int[] prefills() {
        return new int[] {0, 1, sequenceLength() / 2};
    }

    /**
     * Whether {@link Backbone#forward(BackboneInput, BackboneProbe)} reports each layer's output (default yes); a
     * backbone that says no must refuse a probe with {@link UnsupportedOperationException}.
     */
    protected boolean reportsLayers() {
        return true;
    }

    /**
     * Whether {@link MaskMode#BIDIRECTIONAL} lets a row see later rows (default yes); a causal-only backbone (a
     * recurrence, a reference that is causal) says no and must then give the causal result for either mode.
     */
    protected boolean honoursBidirectionalMask() {
        return true;
    }

    /**
     * Tensors of {@link #weights()} the arch may do without (a bias a checkpoint config can switch off); the default
     * is none. The contract checks that weights missing one of these still open, and that weights missing any
     * other tensor are refused naming it.
     */
    protected Set<String> optionalTensors() {
        return Set.of();
    }

    /** Opens the arch under test over {@code weights}. */
    protected final Backbone open(Weights weights) {
        return arch().open(config(), weights, attention());
    }

    @Test
    public void theArchBuildsItsOwnConfig() {
        assertEquals(config().archType(), arch().name(), "an arch's name is the arch_type it builds");
        assertTrue(arch().availability().ok(), arch().availability().toString());
        assertTrue(arch().supports(config()).ok(), arch().supports(config()).toString());
        BackboneConfig c = config();
        BackboneConfig another = new BackboneConfig(c.archType() + "-other", c.hiddenSize(), c.heads(), c.kvHeads(),
                c.layers(), c.intermediateSize(), c.normEps(), c.ropeTheta(), c.activation(), c.options());
        assertFalse(arch().supports(another).ok(), "an arch does not build another arch_type");
    }

    @Test
    public void randomWeightsAreTheSameForTheSameSeed() {
        Weights a = arch().randomWeights(config(), 3);
        Weights b = arch().randomWeights(config(), 3);
        assertEquals(a.names(), b.names());
        for (String name : a.names()) {
            assertArrayEquals(a.find(name).orElseThrow().toFloatArray(), b.find(name).orElseThrow().toFloatArray(),
                    name);
        }
    }

    /** Each of {@link #prefills()}, then one row per call. */
    @Test
    public void incrementalDecodingGivesTheRowsOfTheFullPass() {
        int rows = sequenceLength();
        BackboneInput whole = input(rows, 0, 11, MaskMode.CAUSAL);
        try (Backbone b = open(weights())) {
            float[] full = b.forward(whole);
            assertEquals(rows * width(), full.length, "a full pass gives [rows, D]");
            for (int prefill : prefills()) {
                try (BackboneState state = b.newState()) {
                    assertEquals(0, state.length(), "a new state is empty");
                    if (prefill > 0) {
                        assertClose(rowsOf(full, 0, prefill), b.forward(state, rowsOf(whole, 0, prefill)),
                                tolerance(), "prefill of " + prefill + " rows");
                    }
                    for (int r = prefill; r < rows; r++) {
                        assertClose(rowsOf(full, r, 1), b.forward(state, rowsOf(whole, r, 1)), tolerance(),
                                "row " + r + " stepped after a prefill of " + prefill);
                    }
                    assertEquals(rows, state.length(), "rows consumed after a prefill of " + prefill);
                }
            }
        }
    }

    /**
     * VALL-E's sequences restart their position ids in each segment (text, prompt, response): a state stepped over
     * such positions gives the rows of the full pass over them.
     */
    @Test
    public void incrementalDecodingOverRestartingPositionsGivesTheRowsOfTheFullPass() {
        int[] positions = {0, 1, 2, 3, 0, 1, 0, 1, 2};
        BackboneInput sequential = input(positions.length, 0, 29, MaskMode.CAUSAL);
        BackboneInput whole = new BackboneInput(sequential.embeddings(), positions.length, positions, MaskMode.CAUSAL);
        int prefill = 4;
        try (Backbone b = open(weights()); BackboneState state = b.newState()) {
            float[] full = b.forward(whole);
            assertClose(rowsOf(full, 0, prefill), b.forward(state, rowsOf(whole, 0, prefill)), tolerance(),
                    "prefill of " + prefill + " rows, positions " + Arrays.toString(positions));
            for (int r = prefill; r < positions.length; r++) {
                assertClose(rowsOf(full, r, 1), b.forward(state, rowsOf(whole, r, 1)), tolerance(),
                        "row " + r + " (position " + positions[r] + ") stepped over restarting positions");
            }
        }
    }

    @Test
    public void aBlockOfRowsIntoAStartedStateContinuesTheSequence() {
        int rows = sequenceLength();
        int first = rows / 3;
        BackboneInput whole = input(rows, 0, 12, MaskMode.CAUSAL);
        try (Backbone b = open(weights()); BackboneState state = b.newState()) {
            float[] full = b.forward(whole);
            b.forward(state, rowsOf(whole, 0, first));
            assertClose(rowsOf(full, first, rows - first), b.forward(state, rowsOf(whole, first, rows - first)),
                    tolerance(), "rows " + first + ".." + (rows - 1) + " after " + first + " cached rows");
            assertEquals(rows, state.length());
        }
    }

    @Test
    public void aForkContinuesLikeTheOriginalAndApartFromIt() {
        BackboneInput prefix = input(5, 0, 13, MaskMode.CAUSAL);
        BackboneInput next = input(1, 5, 14, MaskMode.CAUSAL);
        BackboneInput other = input(1, 5, 15, MaskMode.CAUSAL);
        BackboneInput then = input(1, 6, 16, MaskMode.CAUSAL);
        try (Backbone b = open(weights()); BackboneState state = b.newState()) {
            b.forward(state, prefix);
            try (BackboneState fork = state.fork()) {
                assertEquals(5, fork.length(), "a fork starts where its original is");
                // the original moves on with another row: neither sees the other's rows
                float[] onOriginal = b.forward(state, other);
                float[] onFork = b.forward(fork, next);
                float[] forkThen = b.forward(fork, then);
                assertClose(passAfter(b, prefix, other), onOriginal, tolerance(), "the original after the fork");
                assertClose(passAfter(b, prefix, next), onFork, tolerance(), "the fork's first row");
                assertClose(passAfter(b, prefix, next, then), forkThen, tolerance(), "the fork's second row");
                assertEquals(7, fork.length());
                assertEquals(6, state.length());
            }
            // the fork is closed: the original still works
            assertClose(passAfter(b, prefix, other, then), b.forward(state, then), tolerance(),
                    "the original after its fork was closed");
        }
    }

    @Test
    public void aResetStateStartsOver() {
        BackboneInput first = input(4, 0, 17, MaskMode.CAUSAL);
        BackboneInput again = input(3, 0, 18, MaskMode.CAUSAL);
        try (Backbone b = open(weights()); BackboneState state = b.newState()) {
            b.forward(state, first);
            state.reset();
            assertEquals(0, state.length(), "a reset state is empty");
            assertClose(b.forward(again), b.forward(state, again), tolerance(), "a reset state's prefill");
            assertEquals(3, state.length());
        }
    }

    /** CFG's conditional and null passes: different lengths and masks, one call. */
    @Test
    public void aBatchGivesEachSequencesSeparatePass() {
        BackboneInput longer = input(7, 0, 19, MaskMode.BIDIRECTIONAL);
        BackboneInput shorter = input(3, 0, 20, MaskMode.CAUSAL);
        try (Backbone b = open(weights())) {
            List<float[]> batch = b.forward(List.of(longer, shorter));
            assertEquals(2, batch.size());
            assertClose(b.forward(longer), batch.get(0), tolerance(), "the batch's first sequence");
            assertClose(b.forward(shorter), batch.get(1), tolerance(), "the batch's second sequence");
        }
    }

    @Test
    public void aBatchOfFullPassesGivesEachSequenceItsOwnPassBitForBit() {
        // the NAR passes of requests served together: one-row and longer sequences, any order
        BackboneInput[] inputs = {input(1, 0, 40, MaskMode.CAUSAL), input(7, 0, 41, MaskMode.BIDIRECTIONAL),
                input(1, 3, 42, MaskMode.BIDIRECTIONAL), input(3, 0, 43, MaskMode.CAUSAL),
                input(sequenceLength(), 0, 44, MaskMode.CAUSAL), input(1, 0, 45, MaskMode.CAUSAL)};
        try (Backbone b = open(weights())) {
            List<float[]> batch = b.forward(List.of(inputs));
            assertEquals(inputs.length, batch.size());
            for (int i = 0; i < inputs.length; i++) {
                assertArrayEquals(b.forward(inputs[i]), batch.get(i), "sequence " + i + " of the batch ("
                        + inputs[i].rows() + " rows) against its own pass");
            }
        }
    }

    @Test
    public void aBatchedIncrementalPassGivesEachSequenceItsOwnPassBitForBit() {
        // continuous batching: sequences of different lengths, some prefilling while others step, in one pass;
        // each must get exactly what its own pass gives, whoever shares the batch
        int n = 5;
        int[] prefill = {5, 2, 0, sequenceLength(), 1};
        int[][] rounds = {{1, 1, 4, 1, 1}, {1, 1, 1, 1, 1}, {3, 1, 1, 0, 2}, {1}};
        try (Backbone b = open(weights())) {
            List<BackboneState> batched = new ArrayList<>();
            List<BackboneState> alone = new ArrayList<>();
            try {
                for (int s = 0; s < n; s++) {
                    batched.add(b.newState());
                    alone.add(b.newState());
                    if (prefill[s] > 0) {
                        BackboneInput in = input(prefill[s], 0, 50 + s, MaskMode.CAUSAL);
                        b.forward(batched.get(s), in);
                        b.forward(alone.get(s), in);
                    }
                }
                int[] length = prefill.clone();
                for (int r = 0; r < rounds.length; r++) {
                    int size = rounds[r].length;
                    List<BackboneInput> inputs = new ArrayList<>();
                    for (int s = 0; s < size; s++) {
                        inputs.add(input(rounds[r][s], length[s], 60 + 10L * r + s, MaskMode.CAUSAL));
                    }
                    List<float[]> together = b.forward(batched.subList(0, size), inputs);
                    assertEquals(size, together.size());
                    for (int s = 0; s < size; s++) {
                        assertArrayEquals(b.forward(alone.get(s), inputs.get(s)), together.get(s), "round " + r
                                + ", sequence " + s + " (" + length[s] + " rows cached, " + rounds[r][s] + " new)"
                                + " against its own pass");
                        assertEquals(alone.get(s).length(), batched.get(s).length(), "sequence " + s + "'s length");
                        length[s] += rounds[r][s];
                    }
                }
            } finally {
                batched.forEach(BackboneState::close);
                alone.forEach(BackboneState::close);
            }
        }
    }

    @Test
    public void aBatchedIncrementalPassRefusesWhatASinglePassRefuses() {
        try (Backbone b = open(weights()); Backbone other = open(weights());
             BackboneState one = b.newState(); BackboneState two = b.newState();
             BackboneState foreign = other.newState()) {
            BackboneInput row = input(1, 0, 30, MaskMode.CAUSAL);
            assertRefusal(IllegalArgumentException.class, () -> b.forward(List.of(one, two), List.of(row)),
                    "two states for one input");
            assertRefusal(IllegalArgumentException.class, () -> b.forward(List.of(one, one), List.of(row, row)),
                    "one state twice in a batch");
            assertRefusal(IllegalArgumentException.class, () -> b.forward(List.of(one, foreign), List.of(row, row)),
                    "a state of another backbone in a batch");
            two.close();
            assertRefusal(IllegalStateException.class, () -> b.forward(List.of(one, two), List.of(row, row)),
                    "a closed state in a batch");
        }
    }

    @Test
    public void aPassAfterLongerAndShorterPassesGivesTheSameResult() {
        // a backbone may keep a workspace between passes: nothing a longer pass left in it may reach a shorter one
        BackboneInput longer = input(sequenceLength() + 3, 0, 21, MaskMode.CAUSAL);
        BackboneInput shorter = rowsOf(longer, 0, 4);
        float[] fresh;
        try (Backbone b = open(weights())) {
            fresh = b.forward(shorter);
        }
        try (Backbone b = open(weights())) {
            float[] longFirst = b.forward(longer);
            assertClose(fresh, b.forward(shorter), 0, "a short pass after a longer one");
            assertClose(longFirst, b.forward(longer), 0, "a long pass after a shorter one");
        }
    }

    @Test
    public void causalRowsIgnoreLaterRows() {
        BackboneInput three = input(3, 0, 22, MaskMode.CAUSAL);
        try (Backbone b = open(weights())) {
            assertClose(b.forward(rowsOf(three, 0, 1)), rowsOf(b.forward(three), 0, 1), tolerance(),
                    "the first row of a causal pass against the row alone");
        }
    }

    @Test
    public void theBidirectionalMaskIsHonouredOrDeclaredIgnored() {
        BackboneInput causal = input(4, 0, 23, MaskMode.CAUSAL);
        BackboneInput bidirectional = new BackboneInput(causal.embeddings(), 4, causal.positions(),
                MaskMode.BIDIRECTIONAL);
        try (Backbone b = open(weights())) {
            float[] first = rowsOf(b.forward(bidirectional), 0, 1);
            float[] alone = b.forward(rowsOf(causal, 0, 1));
            if (honoursBidirectionalMask()) {
                double moved = 0;
                for (int c = 0; c < first.length; c++) {
                    moved = Math.max(moved, Math.abs(first[c] - alone[c]));
                }
                assertTrue(moved > 1e-3, "a bidirectional first row must depend on later rows, moved by " + moved);
            } else {
                assertClose(b.forward(causal), b.forward(bidirectional), tolerance(),
                        "a causal-only backbone's bidirectional pass against its causal one");
            }
        }
    }

    @Test
    public void aProbeSeesEveryLayerAndChangesNothingOrIsRefused() {
        BackboneInput in = input(5, 0, 24, MaskMode.CAUSAL);
        try (Backbone b = open(weights())) {
            LayerRecorder probe = new LayerRecorder();
            if (!reportsLayers()) {
                assertThrows(UnsupportedOperationException.class, () -> b.forward(in, probe),
                        "a backbone that does not report layers refuses a probe");
                return;
            }
            float[] plain = b.forward(in);
            assertClose(plain, b.forward(in, probe), tolerance(), "a probed pass against a plain one");
            assertEquals(config().layers(), probe.outputs.size(), "one output per layer");
            for (int l = 0; l < probe.outputs.size(); l++) {
                assertEquals(l, probe.layers.get(l), "layers are reported in order");
                assertTrue(probe.outputs.get(l).length >= 5 * width(), "layer " + l + " reports [rows, D]");
            }
        }
    }

    @Test
    public void aStateOfAnotherBackboneIsRefused() {
        try (Backbone b = open(weights()); Backbone other = open(weights());
             BackboneState foreign = other.newState()) {
            BackboneInput row = input(1, 0, 25, MaskMode.CAUSAL);
            assertRefusal(IllegalArgumentException.class, () -> b.forward(foreign, row), "a state of another backbone");
            assertRefusal(IllegalArgumentException.class, () -> b.forward(new StrangerState(), row),
                    "a state no backbone made");
        }
    }

    @Test
    public void aClosedStateIsRefused() {
        try (Backbone b = open(weights())) {
            BackboneState state = b.newState();
            b.forward(state, input(2, 0, 26, MaskMode.CAUSAL));
            state.close();
            state.close();
            assertRefusal(IllegalStateException.class, () -> b.forward(state, input(1, 2, 27, MaskMode.CAUSAL)),
                    "a closed state");
        }
    }

    @Test
    public void aClosedBackboneRefusesPasses() {
        Backbone b = open(weights());
        b.close();
        b.close();
        assertRefusal(IllegalStateException.class, () -> b.forward(input(2, 0, 28, MaskMode.CAUSAL)),
                "a pass on a closed backbone");
    }

    @Test
    public void anInputOfAnotherWidthIsRefused() {
        int wrong = width() + 1;
        BackboneInput in = new BackboneInput(new float[2 * wrong], 2, new int[] {0, 1}, MaskMode.CAUSAL);
        try (Backbone b = open(weights()); BackboneState state = b.newState()) {
            assertRefusal(IllegalArgumentException.class, () -> b.forward(in), "rows " + wrong + " wide");
            assertRefusal(IllegalArgumentException.class, () -> b.forward(state, in), "rows " + wrong + " wide");
        }
    }

    @Test
    public void weightsMissingATensorAreRefusedNamingIt() {
        Weights all = weights();
        assertTrue(all.names().containsAll(optionalTensors()), "the optional tensors are among the weights");
        for (String missing : all.names()) {
            List<TensorView> kept = new ArrayList<>();
            for (String name : all.names()) {
                if (!name.equals(missing)) {
                    kept.add(all.find(name).orElseThrow());
                }
            }
            Weights without = Weights.of("test.sft", kept);
            if (optionalTensors().contains(missing)) {
                open(without).close();
                continue;
            }
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> open(without).close(),
                    "weights without " + missing);
            assertTrue(e.getMessage().contains(missing), "the refusal names " + missing + ": " + e.getMessage());
        }
    }

    /** D, the width of the backbone's rows. */
    protected final int width() {
        return config().hiddenSize();
    }

    /**
     * {@code rows} random embeddings in [-1, 1) from {@code seed}, with positions {@code firstPosition..}, as the
     * contract's tests feed them.
     */
    protected final BackboneInput input(int rows, int firstPosition, long seed, MaskMode mask) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[rows * width()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        int[] positions = new int[rows];
        for (int i = 0; i < rows; i++) {
            positions[i] = firstPosition + i;
        }
        return new BackboneInput(x, rows, positions, mask);
    }

    /** Rows {@code from..from+n-1} of {@code input}, with their positions and mask. */
    protected final BackboneInput rowsOf(BackboneInput input, int from, int n) {
        int d = width();
        return new BackboneInput(Arrays.copyOfRange(input.embeddings(), from * d, (from + n) * d), n,
                Arrays.copyOfRange(input.positions(), from, from + n), input.mask());
    }

    /** Rows {@code from..from+n-1} of hidden states {@code [rows, D]}. */
    protected final float[] rowsOf(float[] hidden, int from, int n) {
        return Arrays.copyOfRange(hidden, from * width(), (from + n) * width());
    }

    /** The last input's hidden states through a fresh state fed {@code inputs} in order. */
    private static float[] passAfter(Backbone b, BackboneInput... inputs) {
        try (BackboneState state = b.newState()) {
            float[] last = null;
            for (BackboneInput in : inputs) {
                last = b.forward(state, in);
            }
            return last;
        }
    }

    /** Asserts that {@code call} throws {@code type} with a message that says something. */
    private static void assertRefusal(Class<? extends RuntimeException> type, Runnable call, String what) {
        RuntimeException e = assertThrows(type, call::run, what + " must be refused");
        assertFalse(e.getMessage() == null || e.getMessage().isBlank(), what + ": the refusal says why");
    }

    /** Keeps each reported layer output, in the order reported. */
    private static final class LayerRecorder implements BackboneProbe {
        final List<Integer> layers = new ArrayList<>();
        final List<float[]> outputs = new ArrayList<>();

        @Override
        public void layerOutput(int layer, float[] hidden, int rows) {
            layers.add(layer);
            outputs.add(hidden.clone());
        }
    }

    /** A state that no backbone made. */
    private static final class StrangerState implements BackboneState {
        @Override
        public int length() {
            return 0;
        }

        @Override
        public BackboneState fork() {
            return new StrangerState();
        }

        @Override
        public void reset() {
        }

        @Override
        public void close() {
        }
    }
}

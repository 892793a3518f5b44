package valle.arch.retnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import valle.api.ModelFormatException;
import valle.api.arch.BackboneConfig;
import valle.api.arch.BackboneInput;
import valle.api.arch.BackboneState;
import valle.api.arch.MaskMode;
import valle.api.tensor.ArrayTensor;
import valle.api.tensor.Weights;

class RetNetBackboneTest {
    private static final int D = 16;
    private static final BackboneConfig CONFIG =
            new BackboneConfig("retnet", D, 4, 4, 2, 4 * D, 1e-6f, 10000f, "gelu", Map.of());
    /** The forms differ only by the group norm's epsilon (the arch oracle's README: ≤ 3e-4). */
    private static final double FORMS = 3e-4;

    private static RetNetBackbone open() {
        return (RetNetBackbone) new RetNetArch().open(CONFIG, new RetNetArch().randomWeights(CONFIG, 7), null);
    }

    private static BackboneInput input(int rows, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] x = new float[rows * D];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return new BackboneInput(x, rows, new int[rows], MaskMode.CAUSAL);
    }

    @ParameterizedTest(name = "chunk {0}")
    @ValueSource(ints = {1, 3, 4, 7, 512})
    void everyChunkSizeAgreesWithTheParallelAndRecurrentForms(int chunk) {
        try (RetNetBackbone b = open()) {
            BackboneInput in = input(22, chunk);
            float[] parallel = b.forward(in, RetNetBackbone.PARALLEL);
            assertClose(parallel, b.forward(in, chunk), FORMS);
            assertClose(parallel, b.forwardRecurrent(in), FORMS);
        }
    }

    @Test
    void withOneChunkTheChunkwiseFormIsTheParallelOne() {
        try (RetNetBackbone b = open()) {
            BackboneInput in = input(9, 3);
            assertClose(b.forward(in, RetNetBackbone.PARALLEL), b.forward(in, 512), 1e-5);
        }
    }

    @Test
    void decodingAfterAPrefillMatchesTheRecurrentFormRowByRow() {
        try (RetNetBackbone b = open(); BackboneState state = b.newState()) {
            BackboneInput in = input(12, 5);
            float[] recurrent = b.forwardRecurrent(in);
            float[] prefill = b.forward(state, new BackboneInput(java.util.Arrays.copyOf(in.embeddings(), 5 * D), 5,
                    new int[5], MaskMode.CAUSAL));
            assertClose(java.util.Arrays.copyOf(recurrent, 5 * D), prefill, FORMS);
            for (int r = 5; r < 12; r++) {
                float[] row = java.util.Arrays.copyOfRange(in.embeddings(), r * D, (r + 1) * D);
                float[] h = b.forward(state, new BackboneInput(row, 1, new int[1], MaskMode.CAUSAL));
                // after the closed-form state, each step is the recurrent form exactly, up to float rounding
                assertClose(java.util.Arrays.copyOfRange(recurrent, r * D, (r + 1) * D), h, 1e-5);
            }
            try (BackboneState fork = state.fork()) {
                assertEquals(12, fork.length());
            }
        }
    }

    @Test
    void positionsAndTheMaskModeAreIgnored() {
        try (RetNetBackbone b = open()) {
            BackboneInput in = input(6, 11);
            BackboneInput other = new BackboneInput(in.embeddings(), 6, new int[] {5, 4, 3, 2, 1, 0}, MaskMode.BIDIRECTIONAL);
            assertClose(b.forward(in), b.forward(other), 0);
        }
    }

    @Test
    void aCheckpointOfAnotherArchIsRefusedByName() {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> new RetNetArch().open(CONFIG,
                Weights.of("llama.sft", List.of(new ArrayTensor("norm.weight", new int[] {D}, new float[D]))), null));
        assertTrue(e.getMessage().startsWith("llama.sft") && e.getMessage().contains("v_proj"), e.getMessage());
    }

    private static void assertClose(float[] expected, float[] actual, double tolerance) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tolerance, "element " + i);
        }
    }
}

package valle.core.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.arch.BackboneInput;
import valle.api.arch.BackboneState;
import valle.api.arch.MaskMode;

/**
 * A batched incremental pass that fails part-way: a backbone running its sequences one after the other may have
 * appended some of them before the failure. Those must fail (running them again would append their rows twice and
 * give wrong hidden states with no error); the untouched ones run alone and get their own results.
 */
class BatchedPassFailureTest {

    @Test
    void passesAdvancedBeforeTheFailureFailAndTheOthersRunAlone() {
        SequentialBackbone backbone = new SequentialBackbone();
        RowCount first = new RowCount();
        RowCount poisoned = new RowCount();
        RowCount last = new RowCount();
        PendingPass a = PendingPass.incremental(null, backbone, List.of(first), List.of(row(1f)));
        PendingPass b = PendingPass.incremental(null, backbone, List.of(poisoned), List.of(row(Float.NaN)));
        PendingPass c = PendingPass.incremental(null, backbone, List.of(last), List.of(row(3f)));

        Batcher.runIncremental(backbone, new ArrayList<>(List.of(a, b, c)));

        assertThrows(IllegalStateException.class, a::results, "appended in the failed batch: not run again");
        assertEquals(1, first.length(), "the first sequence's row is appended once, not twice");
        assertThrows(IllegalArgumentException.class, b::results, "the poisoned pass fails alone too");
        assertArrayEquals(new float[] {3f}, c.results().getFirst(), "untouched: run alone, its own result");
        assertEquals(1, last.length());
    }

    private static BackboneInput row(float value) {
        return new BackboneInput(new float[] {value}, 1, new int[] {0}, MaskMode.CAUSAL);
    }

    /** A state that only counts the rows appended to it. */
    private static final class RowCount implements BackboneState {
        private int rows;

        @Override
        public int length() {
            return rows;
        }

        @Override
        public BackboneState fork() {
            RowCount copy = new RowCount();
            copy.rows = rows;
            return copy;
        }

        @Override
        public void reset() {
            rows = 0;
        }

        @Override
        public void close() {
        }
    }

    /**
     * An identity backbone of width 1 that refuses a NaN row; its batched pass is the SPI's default, one sequence
     * after the other, so the sequences before a refused one are already appended when it throws.
     */
    private static final class SequentialBackbone implements Backbone {
        @Override
        public BackboneConfig config() {
            throw new UnsupportedOperationException("not needed by the batcher");
        }

        @Override
        public float[] forward(BackboneInput input) {
            return input.embeddings().clone();
        }

        @Override
        public BackboneState newState() {
            return new RowCount();
        }

        @Override
        public float[] forward(BackboneState state, BackboneInput input) {
            if (Float.isNaN(input.embeddings()[0])) {
                throw new IllegalArgumentException("a NaN row");
            }
            ((RowCount) state).rows += input.rows();
            return input.embeddings().clone();
        }

        @Override
        public void close() {
        }
    }
}

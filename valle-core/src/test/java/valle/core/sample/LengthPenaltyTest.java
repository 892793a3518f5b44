package valle.core.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static valle.core.sample.Fixtures.input;
import static valle.core.sample.Fixtures.row;
import static valle.core.sample.Fixtures.settings;

import org.junit.jupiter.api.Test;
import valle.api.sample.SamplingInput;

/** Expected values are those of the reference's {@code length_penalize} with {@code length = len(prev) + 1}. */
class LengthPenaltyTest {
    private final LengthPenalty stage = new LengthPenalty();
    private static final int[] THREE_TOKENS = {5, 6, 7};

    @Test
    void describesItself() {
        assertEquals("length-penalty", stage.name());
        assertEquals(200, stage.order());
        assertTrue(stage.availability().ok());
        assertFalse(stage.enabled(settings().build()));
        assertTrue(stage.enabled(settings().length(-0.5f).build()));
    }

    @Test
    void dividesTheStopLogitOfEveryRowByLengthPlusOneToThePenalty() {
        // 3 earlier tokens: (3 + 1)^0.5 = 2
        SamplingInput in = input(new float[][] {{1, 6}, {2, -6}}, THREE_TOKENS, true, 1, settings().length(0.5f));
        stage.apply(in);
        assertArrayEquals(new float[] {1, 3}, row(in, 0), 0f);
        assertArrayEquals(new float[] {2, -3}, row(in, 1), 0f);

        SamplingInput negative = input(new float[][] {{1, 6}}, THREE_TOKENS, true, 1, settings().length(-1f));
        stage.apply(negative);
        assertArrayEquals(new float[] {1, 24}, row(negative, 0), 0f);
    }

    @Test
    void touchesNothingOutsideAnArPassWithAStopToken() {
        float[] logits = {1, 6};
        for (SamplingInput in : new SamplingInput[] {
                input(new float[][] {logits}, THREE_TOKENS, false, 1, settings().length(0.5f)),
                input(new float[][] {logits}, THREE_TOKENS, true, -1, settings().length(0.5f)),
                input(new float[][] {logits}, THREE_TOKENS, true, 2, settings().length(0.5f))}) {
            stage.apply(in);
            assertArrayEquals(logits, row(in, 0), 0f);
        }
    }
}

package valle.core.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static valle.core.sample.Fixtures.NEG_INF;
import static valle.core.sample.Fixtures.input;
import static valle.core.sample.Fixtures.row;
import static valle.core.sample.Fixtures.settings;

import org.junit.jupiter.api.Test;
import valle.api.sample.SamplingInput;

/** Expected values are those of the reference's {@code top_k_top_p_filtering} on the same rows. */
class TopKTopPTest {
    private final TopKTopP stage = new TopKTopP();
    private static final float LN2 = (float) Math.log(2);
    /** Probabilities 1/8, 1/2, 1/8, 1/4: sorted cumulative sums 0.5, 0.75, 0.875, 1. */
    private static final float[] POWERS = {LN2, 3 * LN2, LN2, 2 * LN2};

    private float[] apply(float[] logits, Fixtures.Settings s) {
        SamplingInput in = input(new float[][] {logits}, new int[0], true, s);
        stage.apply(in);
        return row(in, 0);
    }

    @Test
    void describesItself() {
        assertEquals("top-k-top-p", stage.name());
        assertEquals(400, stage.order());
        assertTrue(stage.availability().ok());
        assertFalse(stage.enabled(settings().build()));
        assertFalse(stage.enabled(settings().topK(-100).build()));
        assertTrue(stage.enabled(settings().topK(1).build()));
        assertTrue(stage.enabled(settings().topP(0.9f).build()));
    }

    @Test
    void topKRemovesLogitsStrictlyBelowTheKthLargest() {
        assertArrayEquals(new float[] {NEG_INF, 5, NEG_INF, 5, NEG_INF},
                apply(new float[] {1, 5, 3, 5, 2}, settings().topK(2)), 0f);
        // ties with the k-th largest all stay: three tokens survive k = 2
        assertArrayEquals(new float[] {NEG_INF, 5, 3, 3, NEG_INF},
                apply(new float[] {1, 5, 3, 3, 2}, settings().topK(2)), 0f);
        // k is clamped to the vocab
        assertArrayEquals(new float[] {1, 5, 3, 3, 2}, apply(new float[] {1, 5, 3, 3, 2}, settings().topK(9)), 0f);
    }

    @Test
    void topPKeepsTheTokenThatCrossesTheThreshold() {
        // 0.5 already exceeds 0.4: only the top token (always kept) stays
        assertArrayEquals(new float[] {NEG_INF, 3 * LN2, NEG_INF, NEG_INF}, apply(POWERS, settings().topP(0.4f)), 0f);
        // 0.5 <= 0.6 < 0.75: the second token crosses and stays
        assertArrayEquals(new float[] {NEG_INF, 3 * LN2, NEG_INF, 2 * LN2}, apply(POWERS, settings().topP(0.6f)), 0f);
        // 0.75 <= 0.8 < 0.875: the first of the two equal 1/8 tokens (by index) crosses and stays
        assertArrayEquals(new float[] {LN2, 3 * LN2, NEG_INF, 2 * LN2}, apply(POWERS, settings().topP(0.8f)), 0f);
        assertArrayEquals(POWERS, apply(POWERS, settings().topP(0.95f)), 0f);
    }

    @Test
    void topPRunsOnTheTopKResult() {
        // top-2 leaves 1/2 and 1/4, renormalised to 2/3 and 1/3: 2/3 > 0.6, so top-p keeps only the top token
        assertArrayEquals(new float[] {NEG_INF, 3 * LN2, NEG_INF, NEG_INF},
                apply(POWERS, settings().topK(2).topP(0.6f)), 0f);
    }

    @Test
    void rowsAreFilteredIndependently() {
        SamplingInput in = input(new float[][] {{1, 5, 3}, {9, 0, 8}}, new int[0], false, settings().topK(1));
        stage.apply(in);
        assertArrayEquals(new float[] {NEG_INF, 5, NEG_INF}, row(in, 0), 0f);
        assertArrayEquals(new float[] {9, NEG_INF, NEG_INF}, row(in, 1), 0f);
    }
}

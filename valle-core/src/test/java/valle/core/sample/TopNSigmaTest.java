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

/** Expected values are those of the reference's {@code top_no_logits_processing} on the same rows. */
class TopNSigmaTest {
    private final TopNSigma stage = new TopNSigma();

    private float[] apply(float[] logits, float n) {
        SamplingInput in = input(new float[][] {logits}, new int[0], true, settings().topNSigma(n));
        stage.apply(in);
        return row(in, 0);
    }

    @Test
    void describesItself() {
        assertEquals("top-n-sigma", stage.name());
        assertEquals(600, stage.order());
        assertTrue(stage.availability().ok());
        assertFalse(stage.enabled(settings().build()));
        assertTrue(stage.enabled(settings().topNSigma(1f).build()));
    }

    @Test
    void keepsTheLogitsWithinOneUnbiasedStdOfTheMax() {
        // mean 1, squares 10, std sqrt(10/3) = 1.826: threshold 1.174
        assertArrayEquals(new float[] {3, 2, NEG_INF, NEG_INF}, apply(new float[] {3, 2, 0, -1}, 1f), 0f);
        // std sqrt(2/2) = 1 exactly: the threshold 0 itself stays (>=)
        assertArrayEquals(new float[] {1, 0, NEG_INF}, apply(new float[] {1, 0, -1}, 1f), 0f);
    }

    @Test
    void theValueOnlySwitchesItOn() {
        assertArrayEquals(new float[] {3, 2, NEG_INF, NEG_INF}, apply(new float[] {3, 2, 0, -1}, 3f), 0f);
        assertArrayEquals(new float[] {3, 2, NEG_INF, NEG_INF}, apply(new float[] {3, 2, 0, -1}, 0.1f), 0f);
    }

    @Test
    void aRowThatAlreadyHoldsMinusInfinityLosesEveryToken() {
        // torch.std of a row with -inf is nan, nothing compares >= nan
        assertArrayEquals(new float[] {NEG_INF, NEG_INF, NEG_INF, NEG_INF},
                apply(new float[] {2, 0, NEG_INF, 1}, 1f), 0f);
        // so does a one-token row (unbiased std of one value)
        assertArrayEquals(new float[] {NEG_INF}, apply(new float[] {5}, 1f), 0f);
    }

    @Test
    void rowsAreFilteredIndependently() {
        SamplingInput in = input(new float[][] {{1, 0, -1}, {-1, 0, 1}}, new int[0], false, settings().topNSigma(1f));
        stage.apply(in);
        assertArrayEquals(new float[] {1, 0, NEG_INF}, row(in, 0), 0f);
        assertArrayEquals(new float[] {NEG_INF, 0, 1}, row(in, 1), 0f);
    }
}

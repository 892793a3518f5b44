package valle.core.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static valle.core.sample.Fixtures.NEG_INF;
import static valle.core.sample.Fixtures.filled;
import static valle.core.sample.Fixtures.input;
import static valle.core.sample.Fixtures.row;
import static valle.core.sample.Fixtures.settings;

import org.junit.jupiter.api.Test;
import valle.api.sample.SamplingInput;

/** Expected values are those of the reference's {@code min_p_filtering} (min_tokens_to_keep 32). */
class MinPTest {
    private final MinP stage = new MinP();

    private float[] apply(float[] logits, float minP) {
        SamplingInput in = input(new float[][] {logits}, new int[0], true, settings().minP(minP));
        stage.apply(in);
        return row(in, 0);
    }

    @Test
    void describesItself() {
        assertEquals("min-p", stage.name());
        assertEquals(300, stage.order());
        assertTrue(stage.availability().ok());
        assertFalse(stage.enabled(settings().build()));
        assertTrue(stage.enabled(settings().minP(0.05f).build()));
    }

    @Test
    void theThirtyTwoLargestLogitsAlwaysStay() {
        // logit -i: p_i / p_max = e^-i < 0.5 for every i >= 1, yet only the ranks from 32 on go
        float[] falling = new float[40];
        float[] expected = new float[40];
        for (int i = 0; i < 40; i++) {
            falling[i] = -i;
            expected[i] = i < 32 ? -i : NEG_INF;
        }
        assertArrayEquals(expected, apply(falling, 0.5f), 0f);

        // by logit rank, not by index: the 8 smallest are now at the front
        float[] rising = new float[40];
        for (int i = 0; i < 40; i++) {
            rising[i] = i - 39;
            expected[i] = i < 8 ? NEG_INF : i - 39;
        }
        assertArrayEquals(expected, apply(rising, 0.5f), 0f);
    }

    @Test
    void tokensAboveTheScaledThresholdStayBeyondRank32() {
        // p_i / p_max = e^-1 = 0.37: kept at min_p 0.3, dropped at 0.5
        float[] logits = filled(40, 0f);
        logits[0] = 1f;
        assertArrayEquals(logits, apply(logits, 0.3f), 0f);
        float[] dropped = apply(logits, 0.5f);
        for (int i = 0; i < 40; i++) {
            // equal logits are ranked by index (torch's argsort leaves their order unspecified)
            assertEquals(i < 32 ? logits[i] : NEG_INF, dropped[i], 0f, "token " + i);
        }
    }

    @Test
    void aRowOfAtMost32TokensIsNeverFiltered() {
        float[] logits = new float[32];
        for (int i = 0; i < 32; i++) {
            logits[i] = -10 * i;
        }
        assertArrayEquals(logits, apply(logits, 1f), 0f);
    }

    @Test
    void rowsAreFilteredIndependently() {
        float[] flat = filled(40, 0f);
        float[] falling = new float[40];
        for (int i = 0; i < 40; i++) {
            falling[i] = -i;
        }
        SamplingInput in = input(new float[][] {flat, falling}, new int[0], false, settings().minP(0.5f));
        stage.apply(in);
        assertArrayEquals(flat, row(in, 0), 0f);
        assertEquals(NEG_INF, row(in, 1)[32]);
        assertEquals(-31f, row(in, 1)[31]);
    }
}

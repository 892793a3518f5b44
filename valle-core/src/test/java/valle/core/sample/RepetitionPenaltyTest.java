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

/** Expected values are those of the reference's {@code reptition_penalize} on the same tensors (torch, float32). */
class RepetitionPenaltyTest {
    private final RepetitionPenalty stage = new RepetitionPenalty();

    private float[] applyAr(float[] logits, int[] previous, float penalty, float decay) {
        SamplingInput in = input(new float[][] {logits}, previous, true, settings().repetition(penalty, decay));
        stage.apply(in);
        return row(in, 0);
    }

    @Test
    void describesItself() {
        assertEquals("repetition-penalty", stage.name());
        assertEquals(100, stage.order());
        assertEquals(0, stage.priority());
        assertTrue(stage.availability().ok());
        assertFalse(stage.enabled(settings().build()));
        assertTrue(stage.enabled(settings().repetition(1.2f, 0f).build()));
        assertTrue(stage.enabled(settings().repetition(0.9f, 0f).build()));
    }

    @Test
    void dividesOncePerOccurrenceAndMakesNegativesLarger() {
        // token 2 occurs twice: -3 / 2 / 2; token 0 once: 4 / 2; tokens 1 and 3 never occurred
        assertArrayEquals(new float[] {2f, 1f, -0.75f, 8f},
                applyAr(new float[] {4, 1, -3, 8}, new int[] {2, 0, 2}, 2f, 0f), 0f);
    }

    @Test
    void decayRaisesThePenaltyWithDistance() {
        // distance 2 for token 1 (2 * 2^1 = 4), distance 1 for token 3 (2 * 1^1 = 2)
        assertArrayEquals(new float[] {1f, 2f, 5f, 3f},
                applyAr(new float[] {1, 8, 5, 6}, new int[] {1, 3}, 2f, 1f), 0f);
        // 1.5 * d^0.5 for d = 4, 3, 2, 1
        assertArrayEquals(new float[] {4f, 0.38490018f, 0.47140455f, 0.6666667f, 1f},
                applyAr(new float[] {12, 1, 1, 1, 1}, new int[] {0, 1, 2, 3}, 1.5f, 0.5f), 0f);
    }

    @Test
    void anArStepWithOneEarlierTokenIsTakenForNarAndNothingIsPenalised() {
        float[] logits = {4, 1, -3, 8};
        assertArrayEquals(logits, applyAr(logits, new int[] {2}, 2f, 0f), 0f);
        // with two earlier tokens the AR path penalises again
        assertArrayEquals(new float[] {4f, 1f, -0.75f, 8f}, applyAr(logits, new int[] {2, 2}, 2f, 0f), 0f);
    }

    @Test
    void narPenalisesOnlyTheRowsAfterEachToken() {
        float[][] rows = {{8, 8}, {8, 8}, {8, 8}};
        SamplingInput in = input(rows, new int[] {1, 0, 1}, false, settings().repetition(2f, 0f));
        stage.apply(in);
        // token 1 at 0 -> rows 1, 2; token 0 at 1 -> row 2; token 1 at 2 -> no row
        assertArrayEquals(new float[] {8, 8}, row(in, 0), 0f);
        assertArrayEquals(new float[] {8, 4}, row(in, 1), 0f);
        assertArrayEquals(new float[] {4, 4}, row(in, 2), 0f);

        SamplingInput decayed = input(new float[][] {{12, 12}, {12, 12}, {12, 12}}, new int[] {1, 0, 1}, false,
                settings().repetition(2f, 1f));
        stage.apply(decayed);
        // token 1 at distance 3 divides by 6, token 0 at distance 2 by 4
        assertArrayEquals(new float[] {12, 12}, row(decayed, 0), 0f);
        assertArrayEquals(new float[] {12, 2}, row(decayed, 1), 0f);
        assertArrayEquals(new float[] {3, 2}, row(decayed, 2), 0f);
    }

    @Test
    void theDivisorIsComputedFromTheDecimalSettingsAsPythonDoes() {
        // Python: 1.1 * 9 ** 0.5 = 3.3000000000000003 -> 3.3f; from the float 1.1f it would round to 3.3000002f
        int[] previous = {0, 1, 1, 1, 1, 1, 1, 1, 1};
        assertEquals(1f, applyAr(new float[] {3.3f, 0f}, previous, 1.1f, 0.5f)[0], 0f);
    }

    @Test
    void tokensOutsideTheVocabAreSkipped() {
        float[] logits = {4, 1, -3, 8};
        assertArrayEquals(logits, applyAr(logits, new int[] {-1, 4, 1024}, 2f, 0f), 0f);
    }
}

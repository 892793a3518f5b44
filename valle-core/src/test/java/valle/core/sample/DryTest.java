package valle.core.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static valle.core.sample.Fixtures.filled;
import static valle.core.sample.Fixtures.input;
import static valle.core.sample.Fixtures.row;
import static valle.core.sample.Fixtures.settings;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import valle.api.sample.SamplingInput;

/**
 * Expected values are those of the reference's {@code dry_sampling} run on a token tensor (torch), where the
 * length table is keyed by position (0-d tensors hash by identity).
 */
class DryTest {
    private final Dry stage = new Dry();
    /** Match lengths by position: 1, 1, 1, 4, 1, 1, 7. */
    private static final int[] HISTORY = {3, 1, 2, 3, 1, 2, 3};

    private SamplingInput apply(int[] previous, int rows, float multiplier, float base, int allowed) {
        float[][] zeros = new float[rows][];
        Arrays.setAll(zeros, r -> filled(5, 0f));
        SamplingInput in = input(zeros, previous, rows == 1, settings().dry(multiplier, base, allowed));
        stage.apply(in);
        return in;
    }

    @Test
    void describesItself() {
        assertEquals("dry", stage.name());
        assertEquals(700, stage.order());
        assertTrue(stage.availability().ok());
        assertFalse(stage.enabled(settings().build()));
        assertTrue(stage.enabled(settings().dry(0.8f, 1.75f, 2).build()));
    }

    @Test
    void matchLengthComparesTheTokensBeforeEachPositionWithThoseBeforeTheLastToken() {
        int[] lengths = new int[HISTORY.length];
        Arrays.setAll(lengths, i -> Dry.matchLength(HISTORY, i, 50));
        assertArrayEquals(new int[] {1, 1, 1, 4, 1, 1, 7}, lengths);
        int[] same = new int[60];
        assertEquals(50, Dry.matchLength(same, 59, 50));
        assertEquals(60, Dry.matchLength(same, 59, 60));
        assertEquals(11, Dry.matchLength(same, 10, 50));
    }

    @Test
    void theBreakAtPositionZeroDisablesItFromAllowedLengthTwo() {
        // position 0 has length 1 < 2: the loop stops before the length-4 and length-7 matches
        SamplingInput in = apply(HISTORY, 2, 1f, 2f, 2);
        assertArrayEquals(filled(5, 0f), row(in, 0), 0f);
        assertArrayEquals(filled(5, 0f), row(in, 1), 0f);
    }

    @Test
    void everyPositionIsPenalisedOnEveryRowBelowAllowedLengthTwo() {
        // allowed 1: token 3 gets 2^0 + 2^3 + 2^6 = 73, tokens 1 and 2 get 2^0 twice
        SamplingInput one = apply(HISTORY, 2, 1f, 2f, 1);
        float[] expected = {0, -2, -2, -73, 0};
        assertArrayEquals(expected, row(one, 0), 0f);
        assertArrayEquals(expected, row(one, 1), 0f);
        // allowed 0: 2^1 + 2^4 + 2^7 = 146 and 2^1 twice
        assertArrayEquals(new float[] {0, -4, -4, -146, 0}, row(apply(HISTORY, 1, 1f, 2f, 0), 0), 0f);
        // lengths 1, 2, 1, 4: token 0 gets 1.5 twice, token 1 gets 1.5 * 1.75 + 1.5 * 1.75^3
        assertArrayEquals(new float[] {-3f, -10.6640625f, 0, 0, 0},
                row(apply(new int[] {0, 1, 0, 1}, 1, 1.5f, 1.75f, 1), 0), 0f);
    }

    @Test
    void anEmptyHistoryAndTokensOutsideTheVocabChangeNothing() {
        assertArrayEquals(filled(5, 0f), row(apply(new int[0], 1, 1f, 2f, 0), 0), 0f);
        // token 7 (length 1) is skipped, token 1 matches once: length 2, 2^(2 - 1)
        assertArrayEquals(new float[] {0, -2, 0, 0, 0}, row(apply(new int[] {7, 1}, 1, 1f, 2f, 1), 0), 0f);
    }
}

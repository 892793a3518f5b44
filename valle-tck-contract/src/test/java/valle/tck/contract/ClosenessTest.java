package valle.tck.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static valle.tck.contract.Closeness.assertClose;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;

class ClosenessTest {

    @Test
    void aFailureNamesTheWorstElementAndHowManyAreOff() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> assertClose(new float[] {1, 2, 3, 4}, new float[] {1.5f, 2, 3.25f, 4}, 0.1, "row 3"));
        assertEquals("row 3: 2 of 4 values differ by more than 0.1; the worst is element 0: expected 1.0, actual 1.5,"
                + " difference 0.5", e.getMessage());
    }

    @Test
    void valuesWithinTheToleranceAndMatchingNaNsPass() {
        assertClose(new float[] {1, Float.NaN, Float.POSITIVE_INFINITY}, new float[] {1.05f, Float.NaN,
            Float.POSITIVE_INFINITY}, 0.1, "close");
        assertClose(new double[] {0.25}, new float[] {0.25f}, 0, "exact");
    }

    @Test
    void aNaNOnOneSideIsTheWorst() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> assertClose(new double[] {1, 2}, new double[] {1.5, Double.NaN}, 1, "pair"));
        assertEquals("pair: 1 of 2 values differ by more than 1.0; the worst is element 1: expected 2.0, actual NaN,"
                + " difference Infinity", e.getMessage());
    }

    @Test
    void differentLengthsAreNamed() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class,
                () -> assertClose(new float[2], new float[3], 1, "rows"));
        assertEquals("rows: expected 2 values, got 3", e.getMessage());
    }
}

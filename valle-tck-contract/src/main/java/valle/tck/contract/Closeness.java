package valle.tck.contract;

import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Assertions;
import valle.api.Experimental;

/**
 * The one closeness assertion of valle's tests: two arrays agree element by element within an absolute
 * tolerance, and a failure names the worst element (its index, both values and their difference) and how many
 * elements are off, which says more than the first element past the tolerance.
 */
@Experimental("the first shared assertion of the plugin tests; overloads may grow as tests adopt it")
public final class Closeness {

    private Closeness() {
    }

    /**
     * Asserts {@code |expected[i] - actual[i]| <= tolerance} for every {@code i} and equal lengths. A NaN matches
     * only a NaN.
     *
     * @param what names the compared values in the failure message (e.g. {@code "row 3 of the cached pass"})
     */
    public static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        compare(expected.length, i -> expected[i], actual.length, i -> actual[i], true, tolerance, what);
    }

    /** As {@link #assertClose(float[], float[], double, String)}, for expected values kept in doubles (goldens). */
    public static void assertClose(double[] expected, float[] actual, double tolerance, String what) {
        compare(expected.length, i -> expected[i], actual.length, i -> actual[i], false, tolerance, what);
    }

    /** As {@link #assertClose(float[], float[], double, String)}, for two arrays of doubles. */
    public static void assertClose(double[] expected, double[] actual, double tolerance, String what) {
        compare(expected.length, i -> expected[i], actual.length, i -> actual[i], false, tolerance, what);
    }

    private static void compare(int length, IntToDoubleFunction expected, int actualLength, IntToDoubleFunction actual,
                                boolean floats, double tolerance, String what) {
        if (length != actualLength) {
            Assertions.fail(what + ": expected " + length + " values, got " + actualLength);
        }
        Worst worst = new Worst(floats);
        for (int i = 0; i < length; i++) {
            worst.see(i, expected.applyAsDouble(i), actual.applyAsDouble(i), tolerance);
        }
        worst.check(length, tolerance, what);
    }

    /** The element that differs most so far, and how many differ by more than the tolerance. */
    private static final class Worst {
        /** Whether both sides were floats, printed as floats (a float widened to double shows noise digits). */
        private final boolean floats;
        private int index = -1;
        private double expected;
        private double actual;
        private double difference = -1;
        private int beyond;

        Worst(boolean floats) {
            this.floats = floats;
        }

        void see(int i, double e, double a, double tolerance) {
            boolean bothNaN = Double.isNaN(e) && Double.isNaN(a);
            // a NaN on one side only is as far off as it gets
            double d = bothNaN ? 0 : Double.isNaN(e) || Double.isNaN(a) ? Double.POSITIVE_INFINITY : Math.abs(e - a);
            if (d > tolerance) {
                beyond++;
            }
            if (d > difference) {
                index = i;
                expected = e;
                actual = a;
                difference = d;
            }
        }

        void check(int length, double tolerance, String what) {
            if (beyond > 0) {
                Assertions.fail(what + ": " + beyond + " of " + length + " values differ by more than " + tolerance
                        + "; the worst is element " + index + ": expected " + show(expected) + ", actual " + show(actual)
                        + ", difference " + difference);
            }
        }

        private String show(double v) {
            return floats ? Float.toString((float) v) : Double.toString(v);
        }
    }
}

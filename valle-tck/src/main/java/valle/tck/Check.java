package valle.tck;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import valle.core.load.NpyArray;

/**
 * Comparisons of one case against its golden arrays. Float arrays must agree within an absolute tolerance,
 * integer arrays exactly; a failure names the array and its worst element (index, expected, actual).
 */
final class Check {
    /** Embeddings, hidden states and logits: absolute tolerance against the golden. */
    static final double FLOAT_TOLERANCE = 2e-4;

    private final List<String> failures = new ArrayList<>();
    private int compared;
    /** What the logits arrays compared so far came to, whatever the tolerance; null before the first. */
    private LogitFidelity fidelity;

    void floats(String what, NpyArray expected, float[] actual, int[] actualShape) {
        floats(what, expected, actual, actualShape, FLOAT_TOLERANCE);
    }

    void floats(String what, NpyArray expected, float[] actual, int[] actualShape, double tolerance) {
        compared++;
        if (!shapeMatches(what, expected, actual.length, actualShape)) {
            return;
        }
        double worst = -1;
        int at = -1;
        for (int i = 0; i < actual.length; i++) {
            // equal values match, infinities included (filtered logits are -inf on both sides)
            double diff = expected.values()[i] == actual[i] ? 0 : Math.abs(expected.values()[i] - actual[i]);
            if (Double.isNaN(diff) || diff > worst) {
                worst = Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff;
                at = i;
            }
        }
        if (what.endsWith("logits")) {
            recordFidelity(expected, actual, worst);
        }
        if (worst > tolerance) {
            failures.add(String.format("%s: max |diff| %.3g at %s (expected %.6g, got %.6g, tolerance %.0e)",
                    what, worst, index(at, expected.shape()), expected.values()[at], actual[at], tolerance));
        }
    }

    /**
     * Counts a logits array (name ending in {@code logits}: the golden's naming of class scores) towards the
     * case's fidelity: its worst difference and, per row of its last dimension, whether the argmax agrees.
     */
    private void recordFidelity(NpyArray expected, float[] actual, double worst) {
        int[] shape = expected.shape();
        int classes = shape.length == 0 ? 1 : shape[shape.length - 1];
        long equal = 0;
        long rows = classes == 0 ? 0 : actual.length / classes;
        for (int r = 0; r < rows; r++) {
            if (argmax(expected.values(), r * classes, classes) == argmax(actual, r * classes, classes)) {
                equal++;
            }
        }
        LogitFidelity f = new LogitFidelity(Math.max(worst, 0), equal, rows);
        fidelity = fidelity == null ? f : fidelity.and(f);
    }

    private static int argmax(double[] v, int from, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (v[from + i] > v[from + best]) {
                best = i;
            }
        }
        return best;
    }

    private static int argmax(float[] v, int from, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) {
            if (v[from + i] > v[from + best]) {
                best = i;
            }
        }
        return best;
    }

    void ints(String what, NpyArray expected, int[] actual, int[] actualShape) {
        compared++;
        if (!shapeMatches(what, expected, actual.length, actualShape)) {
            return;
        }
        int mismatches = 0;
        int first = -1;
        for (int i = 0; i < actual.length; i++) {
            if ((long) expected.values()[i] != actual[i]) {
                if (first < 0) {
                    first = i;
                }
                mismatches++;
            }
        }
        if (mismatches > 0) {
            failures.add(String.format("%s: %d of %d differ, first at %s (expected %d, got %d)", what, mismatches,
                    actual.length, index(first, expected.shape()), (long) expected.values()[first], actual[first]));
        }
    }

    void equal(String what, Object expected, Object actual) {
        compared++;
        if (!expected.equals(actual)) {
            failures.add(what + ": expected " + expected + ", got " + actual);
        }
    }

    void fail(String what) {
        failures.add(what);
    }

    CaseResult result(String path) {
        if (failures.isEmpty() && compared == 0) {
            return new CaseResult(path, false, "nothing to compare: no array or value of this case is known");
        }
        return failures.isEmpty()
                ? new CaseResult(path, true, compared + " comparisons", false, fidelity)
                : new CaseResult(path, false, String.join("; ", failures), false, fidelity);
    }

    private boolean shapeMatches(String what, NpyArray expected, int actualSize, int[] actualShape) {
        if (expected.size() != actualSize || !Arrays.equals(expected.shape(), actualShape)) {
            failures.add(what + ": shape " + Arrays.toString(actualShape) + " but the golden has " + expected.shapeString());
            return false;
        }
        return true;
    }

    private static String index(int flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = shape[d] == 0 ? 0 : flat % shape[d];
            flat = shape[d] == 0 ? 0 : flat / shape[d];
        }
        return Arrays.toString(idx);
    }
}

package valle.cli;

import java.util.Arrays;

/** Times a piece of work over repeats: min and median seconds (or a rate per repeat, for kernel rows). */
final class BenchTimer {
    /** One row of {@code valle bench}: a stage's min and median over {@code reps} repeats. */
    record Row(String name, double min, double median, int reps, String unit) {
    }

    /** Work whose repeat returns what it measured (seconds, or a rate). */
    @FunctionalInterface
    interface Measured {
        double run();
    }

    private BenchTimer() {
    }

    /** Seconds of {@code work}, {@code reps} times. */
    static Row seconds(String name, int reps, Runnable work) {
        return of(name, "s", reps, () -> elapsed(work));
    }

    /** Seconds one run of {@code work} takes. */
    static double elapsed(Runnable work) {
        long t0 = System.nanoTime();
        work.run();
        return (System.nanoTime() - t0) / 1e9;
    }

    static Row of(String name, String unit, int reps, Measured work) {
        double[] values = new double[reps];
        for (int i = 0; i < reps; i++) {
            values[i] = work.run();
        }
        return fromSamples(name, unit, values);
    }

    /**
     * A row from samples: min and median of the values, except for rates ({@code unit} not {@code "s"}), where
     * the best repeat is the highest, reported in the {@code min} slot.
     */
    static Row fromSamples(String name, String unit, double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        double best = unit.equals("s") ? sorted[0] : sorted[n - 1];
        return new Row(name, best, median, n, unit);
    }
}

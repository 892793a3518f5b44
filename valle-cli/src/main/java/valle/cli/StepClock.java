package valle.cli;

import valle.core.speech.Progress;

/** Timestamps of the AR loop's progress calls: step k's time is the gap before its call. */
final class StepClock implements Progress {
    private final long start = System.nanoTime();
    private final long[] at;
    private int count;

    StepClock(int steps) {
        this.at = new long[steps];
    }

    @Override
    public void stage(String what) {
    }

    @Override
    public void step(int done, int total) {
        at[count++] = System.nanoTime();
    }

    double step(int k) {
        return (at[k] - (k == 0 ? start : at[k - 1])) / 1e9;
    }

    double total() {
        return (at[count - 1] - start) / 1e9;
    }
}

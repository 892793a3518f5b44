package valle.core.batch;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a {@link Scheduler} is doing and has done, for metrics: its slots, how many hold a request and how many
 * requests wait for one, the ticks run and the sequences they batched, and how many ticks had each batch size.
 *
 * @param slots           the scheduler's fixed number of slots
 * @param active          slots holding a request now
 * @param waiting         requests waiting for a slot now
 * @param ticks           batched passes run so far (one tick may run one per backbone and kind)
 * @param sequences       sequences those ticks stepped, in all (mean batch size: {@code sequences / ticks})
 * @param tickSeconds     time spent running the ticks, in all
 * @param batchSizeBounds upper bounds of the batch-size buckets
 * @param batchSizeCounts ticks whose batch size was at most each bound (cumulative, as Prometheus buckets)
 */
public record SchedulerStats(int slots, int active, int waiting, long ticks, long sequences, double tickSeconds,
                             int[] batchSizeBounds, long[] batchSizeCounts) {
    static final int[] BOUNDS = {1, 2, 3, 4, 6, 8, 12, 16, 32, 64};

    /** The running counts behind the snapshots. */
    static final class Recorder {
        private final LongAdder ticks = new LongAdder();
        private final LongAdder sequences = new LongAdder();
        private final LongAdder tickNanos = new LongAdder();
        private final AtomicLongArray buckets = new AtomicLongArray(BOUNDS.length);

        void tick(int batch, long nanos) {
            ticks.increment();
            sequences.add(batch);
            tickNanos.add(nanos);
            for (int i = 0; i < BOUNDS.length; i++) {
                if (batch <= BOUNDS[i]) {
                    buckets.incrementAndGet(i);
                }
            }
        }

        SchedulerStats snapshot(int slots, int active, int waiting) {
            long[] counts = new long[BOUNDS.length];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = buckets.get(i);
            }
            return new SchedulerStats(slots, active, waiting, ticks.sum(), sequences.sum(), tickNanos.sum() / 1e9,
                    BOUNDS.clone(), counts);
        }
    }
}

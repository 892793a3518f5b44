package valle.core.batch;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Continuous batching over a fixed number of slots. A request {@linkplain #run runs} on the calling thread once a
 * slot is free (waiting requests are admitted first come, first served, and start their prefill at the next
 * tick); its backbone passes go through the slot's batching view to the one batcher thread, which steps every
 * slot at its model stage together. The slot is freed as soon as the request returns or throws (it ended, failed,
 * passed its deadline or was cancelled). Every output equals the same request run alone. Thread-safe.
 */
public final class Scheduler implements AutoCloseable {
    /** How long a tick waits at most for a slot in its model stage that has not submitted yet. */
    public static final Duration DEFAULT_PATIENCE = Duration.ofMillis(20);

    private final int slots;
    private final Semaphore free;
    private final Deque<Slot> idle = new ArrayDeque<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final SchedulerStats.Recorder stats = new SchedulerStats.Recorder();
    private final Batcher batcher;

    /**
     * @throws IllegalArgumentException when {@code slots < 1}
     */
    public Scheduler(int slots) {
        this(slots, DEFAULT_PATIENCE);
    }

    public Scheduler(int slots, Duration patience) {
        if (slots < 1) {
            throw new IllegalArgumentException("a scheduler needs at least 1 slot, got " + slots);
        }
        this.slots = slots;
        this.free = new Semaphore(slots, true);
        this.batcher = new Batcher(patience.toNanos(), stats);
        for (int i = 0; i < slots; i++) {
            idle.add(new Slot(batcher, i));
        }
    }

    /**
     * Waits for a free slot, then runs {@code work} with it on the calling thread and frees it when the work
     * returns or throws.
     *
     * @throws CancellationException when the thread is interrupted while it waits for a slot
     */
    public <T> T run(Function<Slot, T> work) {
        waiting.incrementAndGet();
        try {
            free.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("the request was cancelled while it waited for a slot");
        } finally {
            waiting.decrementAndGet();
        }
        Slot slot;
        synchronized (idle) {
            slot = idle.pop();
        }
        batcher.enter(slot);
        slot.cancelWhen(() -> false);
        try {
            return work.apply(slot);
        } finally {
            batcher.exit(slot);
            synchronized (idle) {
                idle.push(slot);
            }
            free.release();
        }
    }

    /** The fixed number of slots. */
    public int slots() {
        return slots;
    }

    /** Slots, active slots, waiting requests, ticks and batch sizes so far. */
    public SchedulerStats stats() {
        return stats.snapshot(slots, slots - free.availablePermits(), waiting.get());
    }

    /** Stops the batcher; passes still waiting fail. Requests still running fail at their next pass. */
    @Override
    public void close() {
        batcher.close();
    }
}

package valle.kit.thread;

import java.lang.ref.Cleaner;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;
import valle.api.Stable;

/**
 * The threads a model's kernels run on: the caller plus {@code threads - 1} daemon workers, started by the first
 * call that splits its work and living as long as the pool (a model, a codec, an attention kernel). A range of
 * work is cut into one contiguous chunk per thread ({@link #forRange}), or independent tasks of uneven size are
 * drawn one at a time by every thread ({@link #forEach}); the caller works too, so a one-thread pool starts no
 * thread at all. {@link #configured} sizes a pool by valle's one thread policy, {@link ThreadCount}.
 *
 * <p>A decode step is some fifty products of well under a millisecond each, so a worker that finishes one
 * waits for the next by spinning for a short while ({@link #SPIN_NANOS}) before it parks: waking a parked
 * thread costs tens of microseconds each time. One call uses the workers at a time; a call made while another
 * holds them (two requests on one model, or a body that calls back in) runs on its caller's thread alone rather
 * than waiting. A pool that is never closed stops its workers when it becomes unreachable.
 */
@Stable(since = "0.1")
public final class KernelPool implements AutoCloseable {
    /** Work on the half-open range {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        /** Runs the work of {@code [from, to)}. */
        void run(int from, int to);
    }

    /** How long an idle worker spins for its next chunk before it parks. */
    static final long SPIN_NANOS = 20_000;

    private final int threads;
    private final String name;
    /** Started by the first call that splits its work (under {@link #inUse}), so an unused pool costs no thread. */
    private final Worker[] workers;
    private static final Cleaner CLEANER = Cleaner.create();

    private final ReentrantLock inUse = new ReentrantLock();
    private final Cleaner.Cleanable stopWorkers;
    private volatile boolean closed;

    /** @param threads how many threads share each product, the caller included (at least 1) */
    public KernelPool(int threads, String name) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.name = name;
        this.workers = new Worker[threads - 1];
        Worker[] started = workers;
        this.stopWorkers = CLEANER.register(this, () -> {
            for (Worker w : started) {
                if (w != null) {
                    w.shutdown();
                }
            }
        });
    }

    /**
     * A pool of {@link ThreadCount#configured()} threads, as the calling code is configured (so a count bound
     * around a model's loading reaches the pools it makes).
     *
     * @throws IllegalArgumentException naming the setting, when the configured count is not a valid one
     */
    public static KernelPool configured(String name) {
        return new KernelPool(ThreadCount.configured(), name);
    }

    /** How many threads share each call, the caller included. */
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over {@code [0, n)} in at most {@link #threads()} chunks, the first on the caller's
     * thread, and returns when all are done. Small ranges ({@code n < minPerThread * 2}) stay on the caller, as
     * does everything after {@link #close}.
     */
    public void forRange(int n, int minPerThread, RangeBody body) {
        int chunks = Math.min(threads, Math.max(1, n / Math.max(1, minPerThread)));
        if (chunks <= 1 || closed || inUse.isHeldByCurrentThread() || !inUse.tryLock()) {
            body.run(0, n);
            return;
        }
        try {
            if (closed) {
                // closed between the check above and the lock: the workers may be gone
                body.run(0, n);
                return;
            }
            for (int c = 1; c < chunks; c++) {
                worker(c - 1).post(body, (int) ((long) n * c / chunks), (int) ((long) n * (c + 1) / chunks));
            }
            Throwable failure = null;
            try {
                body.run(0, (int) ((long) n / chunks));
            } catch (Throwable e) {
                // whatever it is, the workers' chunks are waited for before it goes on
                failure = e;
            }
            for (int c = 1; c < chunks; c++) {
                Throwable t = workers[c - 1].await();
                if (failure == null) {
                    failure = t;
                }
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            if (failure instanceof Error e) {
                throw e;
            }
            if (failure != null) {
                throw new UndeclaredThrowableException(failure);
            }
        } finally {
            inUse.unlock();
        }
    }

    /**
     * Runs {@code task} for every index in {@code [0, tasks)}, in any order, and returns when all are done:
     * each thread takes the next index from a shared counter until none is left, so tasks of uneven cost
     * balance themselves. The first failure is rethrown once every thread has stopped; the indices not yet
     * taken are then skipped. Falls back to the caller's thread as {@link #forRange} does.
     */
    public void forEach(int tasks, IntConsumer task) {
        AtomicInteger next = new AtomicInteger();
        forRange(Math.min(threads, tasks), 1, (from, to) -> {
            try {
                for (int t = next.getAndIncrement(); t < tasks; t = next.getAndIncrement()) {
                    task.accept(t);
                }
            } catch (RuntimeException | Error e) {
                // the call fails anyway: the other threads need not run what is left
                next.set(tasks);
                throw e;
            }
        });
    }

    /** The worker {@code i}, started if this is its first chunk; called with {@link #inUse} held. */
    private Worker worker(int i) {
        if (workers[i] == null) {
            workers[i] = new Worker(name + "-" + (i + 1));
            workers[i].start();
        }
        return workers[i];
    }

    /** Stops the workers once a call in flight has finished; later calls run on their caller's thread. */
    @Override
    public void close() {
        closed = true;
        inUse.lock();
        try {
            stopWorkers.clean();
        } finally {
            inUse.unlock();
        }
    }

    /** One worker thread: runs the chunk posted to it, then spins a while, then parks, until closed. */
    private static final class Worker extends Thread {
        private RangeBody body;
        private int from;
        private int to;
        private Throwable failure;
        /** Chunks posted and finished; a volatile write of one publishes the fields written before it. */
        private volatile long posted;
        private volatile long finished;
        private volatile boolean closed;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        void post(RangeBody body, int from, int to) {
            this.body = body;
            this.from = from;
            this.to = to;
            this.failure = null;
            posted = posted + 1;
            LockSupport.unpark(this);
        }

        /** Waits for the posted chunk; returns what it threw, or null. */
        Throwable await() {
            long target = posted;
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (finished != target) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
            return failure;
        }

        void shutdown() {
            closed = true;
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            long done = 0;
            // a chunk posted before close still runs: its caller is waiting for it
            while (true) {
                long next = posted;
                if (next != done) {
                    try {
                        body.run(from, to);
                    } catch (Throwable t) {
                        failure = t;
                    }
                    body = null;
                    done = next;
                    finished = next;
                    continue;
                }
                if (closed) {
                    return;
                }
                long spinUntil = System.nanoTime() + SPIN_NANOS;
                while (posted == done && !closed && System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                }
                if (posted == done && !closed) {
                    LockSupport.park(this);
                }
            }
        }
    }
}

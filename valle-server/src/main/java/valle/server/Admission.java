package valle.server;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server's bounded queue: at most {@code maxConcurrent} requests run, at most {@code queueCapacity} more
 * wait; the next is refused at once with 429 and a {@code Retry-After}. While draining for shutdown, new
 * requests get 503.
 */
final class Admission {
    private final int maxConcurrent;
    private final int capacity;
    private final Semaphore slots;
    private final AtomicInteger admitted = new AtomicInteger();
    private volatile boolean draining;
    private volatile double recentSeconds = 5;

    Admission(int maxConcurrent, int queueCapacity) {
        this.maxConcurrent = maxConcurrent;
        this.capacity = maxConcurrent + queueCapacity;
        this.slots = new Semaphore(maxConcurrent, true);
    }

    /** A running request's slot; closing it frees the slot. */
    interface Ticket extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Admits a request and waits for a slot, at most {@code timeout}.
     *
     * @throws ApiError 429 when the queue is full, 503 while shutting down, 504 when no slot came in time
     */
    Ticket enter(Duration timeout) {
        if (draining) {
            throw new ApiError(503, "server_error", "the server is shutting down", 5);
        }
        if (admitted.incrementAndGet() > capacity) {
            admitted.decrementAndGet();
            throw new ApiError(429, "rate_limit_error", "the server is busy: " + capacity
                    + " requests are running or waiting; try again shortly", retryAfter());
        }
        boolean got;
        try {
            got = slots.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            got = false;
        }
        if (!got) {
            admitted.decrementAndGet();
            throw new ApiError(504, "timeout_error", "the request waited " + timeout.toSeconds() + " s for a free slot");
        }
        long started = System.nanoTime();
        return () -> {
            recentSeconds = 0.8 * recentSeconds + 0.2 * ((System.nanoTime() - started) / 1e9);
            slots.release();
            admitted.decrementAndGet();
        };
    }

    /** Requests waiting for a slot. */
    int queued() {
        return Math.max(0, admitted.get() - running());
    }

    /** Requests holding a slot. */
    int running() {
        return maxConcurrent - slots.availablePermits();
    }

    /** Refuses new requests and waits up to {@code grace} for the admitted ones to finish; whether they did. */
    boolean drain(Duration grace) {
        draining = true;
        long deadline = System.nanoTime() + grace.toNanos();
        while (admitted.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return admitted.get() == 0;
    }

    private int retryAfter() {
        // the time for the queue ahead to clear, from the recent request time
        return (int) Math.max(1, Math.ceil(recentSeconds * capacity / maxConcurrent));
    }
}

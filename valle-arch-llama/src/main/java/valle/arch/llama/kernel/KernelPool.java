package valle.arch.llama.kernel;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * The threads a model's matrix products run on: the caller plus {@code threads - 1} daemon workers that live
 * as long as the model. A range of work is cut into one contiguous chunk per thread; the caller computes the
 * first chunk itself, so a one-thread pool starts no thread at all.
 */
public final class KernelPool implements AutoCloseable {
    /** Work on the half-open range {@code [from, to)}. */
    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    private final int threads;
    private final ForkJoinPool workers;

    /** @param threads how many threads share each product, the caller included (at least 1) */
    public KernelPool(int threads, String name) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.workers = threads == 1 ? null : new ForkJoinPool(threads - 1, p -> {
            var worker = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
            worker.setDaemon(true);
            worker.setName(name + "-" + worker.getPoolIndex());
            return worker;
        }, null, false);
    }

    /** The thread count from {@code -Dvalle.threads} or {@code VALLE_THREADS}, else the machine's processors. */
    public static int configuredThreads() {
        String s = System.getProperty("valle.threads", System.getenv("VALLE_THREADS"));
        if (s == null || s.isBlank()) {
            return Runtime.getRuntime().availableProcessors();
        }
        try {
            int n = Integer.parseInt(s.trim());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("valle.threads / VALLE_THREADS must be a whole number >= 1, got '" + s + "'");
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body} over {@code [0, n)} in at most {@link #threads()} chunks, the first on the caller's
     * thread, and returns when all are done. Small ranges ({@code n < minPerThread * 2}) stay on the caller.
     */
    public void forRange(int n, int minPerThread, RangeBody body) {
        int chunks = Math.min(threads, Math.max(1, n / Math.max(1, minPerThread)));
        if (chunks <= 1 || workers == null) {
            body.run(0, n);
            return;
        }
        ForkJoinTask<?>[] forked = new ForkJoinTask<?>[chunks - 1];
        for (int c = 1; c < chunks; c++) {
            int from = (int) ((long) n * c / chunks);
            int to = (int) ((long) n * (c + 1) / chunks);
            forked[c - 1] = workers.submit(new Chunk(body, from, to));
        }
        Throwable failure = null;
        try {
            body.run(0, (int) ((long) n / chunks));
        } catch (RuntimeException | Error e) {
            failure = e;
        }
        for (ForkJoinTask<?> t : forked) {
            try {
                t.join();
            } catch (RuntimeException | Error e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
    }

    @Override
    public void close() {
        if (workers != null) {
            workers.shutdown();
        }
    }

    private static final class Chunk extends RecursiveAction {
        private final RangeBody body;
        private final int from;
        private final int to;

        Chunk(RangeBody body, int from, int to) {
            this.body = body;
            this.from = from;
            this.to = to;
        }

        @Override
        protected void compute() {
            body.run(from, to);
        }
    }
}

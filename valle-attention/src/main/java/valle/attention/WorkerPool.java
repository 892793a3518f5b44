package valle.attention;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Runs independent attention tasks (heads × query tiles, or heads × key splits) on a pool of a given size.
 * One pool per size ({@code threads - 1} daemon helpers, made on first use), shared by every kernel instance
 * of this module; the caller works too, taking tasks from a shared counter as the helpers do. A size of 1 runs
 * inline on the caller's thread. (The SPI hands kernels no executor, so the kernels own one
 * rather than borrowing the JDK's common pool.)
 */
final class WorkerPool {
    private static final Map<Integer, ForkJoinPool> POOLS = new ConcurrentHashMap<>();

    private WorkerPool() {
    }

    static void run(int tasks, int threads, IntConsumer task) {
        if (threads <= 1 || tasks <= 1) {
            for (int t = 0; t < tasks; t++) {
                task.accept(t);
            }
            return;
        }
        ForkJoinPool pool = POOLS.computeIfAbsent(threads, n -> new ForkJoinPool(n - 1,
                p -> {
                    var worker = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
                    worker.setDaemon(true);
                    worker.setName("valle-attention-" + n + "-" + worker.getPoolIndex());
                    return worker;
                }, null, false));
        // the caller takes tasks from the start instead of waiting for a woken worker; helpers join as they wake
        AtomicInteger next = new AtomicInteger();
        Runnable drain = () -> {
            for (int t = next.getAndIncrement(); t < tasks; t = next.getAndIncrement()) {
                task.accept(t);
            }
        };
        ForkJoinTask<?>[] helpers = new ForkJoinTask<?>[Math.min(threads, tasks) - 1];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = pool.submit(drain);
        }
        Throwable failure = null;
        try {
            drain.run();
        } catch (RuntimeException | Error e) {
            failure = e;
            // the call fails anyway: the helpers need not run what is left
            next.set(tasks);
        }
        for (ForkJoinTask<?> helper : helpers) {
            try {
                helper.join();
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

    /** {@code -Dvalle.threads} (as {@code valle bench --threads} sets it) when given, else the machine's processors. */
    static int defaultThreads() {
        String s = System.getProperty("valle.threads");
        if (s != null && s.matches("[1-9][0-9]{0,3}")) {
            return Integer.parseInt(s);
        }
        return Runtime.getRuntime().availableProcessors();
    }
}

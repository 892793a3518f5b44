package valle.attention;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * Runs independent attention tasks (heads × query tiles, or heads × key splits) on a pool of a given size.
 * One pool per size, shared by every kernel instance of this module, made on first use with daemon threads;
 * a size of 1 runs inline on the caller's thread. (The SPI hands kernels no executor, so the kernels own one
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
        ForkJoinPool pool = POOLS.computeIfAbsent(threads, n -> new ForkJoinPool(n,
                p -> {
                    var worker = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(p);
                    worker.setDaemon(true);
                    worker.setName("valle-attention-" + n + "-" + worker.getPoolIndex());
                    return worker;
                }, null, false));
        pool.submit(() -> IntStream.range(0, tasks).parallel().forEach(task)).join();
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

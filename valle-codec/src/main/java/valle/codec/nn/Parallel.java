package valle.codec.nn;

import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The worker threads of one loaded codec: splits independent tasks (blocks of output channels and time) over
 * a pool the codec owns and closes with it, so codecs do not compete in the common pool. With one thread, or
 * for a single task, the work runs on the caller's thread.
 */
public final class Parallel implements AutoCloseable {
    private final ForkJoinPool pool;
    private final int threads;

    public Parallel(int threads) {
        this.threads = Math.max(1, threads);
        this.pool = this.threads > 1 ? new ForkJoinPool(this.threads) : null;
    }

    /** A pool of one thread per available processor, or of {@code -Dvalle.threads}. */
    public static Parallel perProcessor() {
        // -Dvalle.threads (as valle bench --threads sets it) when given
        String s = System.getProperty("valle.threads");
        return new Parallel(s != null && s.matches("[1-9][0-9]{0,3}") ? Integer.parseInt(s)
                : Runtime.getRuntime().availableProcessors());
    }

    public int threads() {
        return threads;
    }

    /** Runs {@code body} for every task index in {@code 0 .. tasks - 1}, in any order, and waits for all. */
    public void forEach(int tasks, IntConsumer body) {
        if (pool == null || tasks <= 1) {
            for (int i = 0; i < tasks; i++) {
                body.accept(i);
            }
            return;
        }
        pool.submit(() -> IntStream.range(0, tasks).parallel().forEach(body)).join();
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdown();
        }
    }
}

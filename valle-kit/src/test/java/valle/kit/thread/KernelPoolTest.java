package valle.kit.thread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class KernelPoolTest {

    @Test
    void everyIndexRunsOnceAcrossManyCalls() {
        try (KernelPool pool = new KernelPool(3, "test")) {
            for (int n : new int[] {1, 2, 3, 7, 100, 1001}) {
                for (int call = 0; call < 200; call++) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(n);
                    pool.forRange(n, 1, (from, to) -> {
                        for (int i = from; i < to; i++) {
                            hits.incrementAndGet(i);
                        }
                    });
                    for (int i = 0; i < n; i++) {
                        assertEquals(1, hits.get(i), "n " + n + " index " + i);
                    }
                }
            }
        }
    }

    @Test
    void aWorkersFailureReachesTheCallerAndThePoolGoesOn() {
        try (KernelPool pool = new KernelPool(2, "test")) {
            IllegalStateException boom = new IllegalStateException("boom");
            var thrown = assertThrows(IllegalStateException.class, () -> pool.forRange(10, 1, (from, to) -> {
                if (from > 0) {
                    throw boom;
                }
            }));
            assertSame(boom, thrown);
            AtomicIntegerArray hits = new AtomicIntegerArray(10);
            pool.forRange(10, 1, (from, to) -> {
                for (int i = from; i < to; i++) {
                    hits.incrementAndGet(i);
                }
            });
            for (int i = 0; i < 10; i++) {
                assertEquals(1, hits.get(i));
            }
        }
    }

    @Test
    void callsFromTwoThreadsAtOnceBothComplete() throws Exception {
        try (KernelPool pool = new KernelPool(2, "test")) {
            ExecutorService callers = Executors.newFixedThreadPool(2);
            try {
                CountDownLatch start = new CountDownLatch(1);
                Future<?>[] done = new Future<?>[2];
                for (int c = 0; c < 2; c++) {
                    done[c] = callers.submit(() -> {
                        start.await();
                        for (int call = 0; call < 500; call++) {
                            AtomicIntegerArray hits = new AtomicIntegerArray(64);
                            pool.forRange(64, 1, (from, to) -> {
                                for (int i = from; i < to; i++) {
                                    hits.incrementAndGet(i);
                                }
                            });
                            for (int i = 0; i < 64; i++) {
                                assertEquals(1, hits.get(i));
                            }
                        }
                        return null;
                    });
                }
                start.countDown();
                for (Future<?> f : done) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                callers.shutdownNow();
            }
        }
    }

    @Test
    void closingStopsTheWorkers() throws Exception {
        KernelPool pool = new KernelPool(3, "closing-test");
        pool.forRange(10, 1, (from, to) -> { });
        pool.close();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline && Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().startsWith("closing-test-"))) {
            Thread.sleep(10);
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("closing-test-")),
                "the workers outlived close()");
        AtomicIntegerArray hits = new AtomicIntegerArray(10);
        pool.forRange(10, 1, (from, to) -> {
            for (int i = from; i < to; i++) {
                hits.incrementAndGet(i);
            }
        });
        for (int i = 0; i < 10; i++) {
            assertEquals(1, hits.get(i), "after close the caller does the work");
        }
    }

    @Test
    void forEachRunsEveryTaskOnceAndRethrowsAFailure() {
        try (KernelPool pool = new KernelPool(3, "test")) {
            for (int tasks : new int[] {0, 1, 2, 3, 50}) {
                AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(1, tasks));
                pool.forEach(tasks, hits::incrementAndGet);
                for (int t = 0; t < tasks; t++) {
                    assertEquals(1, hits.get(t), "tasks " + tasks + " task " + t);
                }
            }
            IllegalStateException boom = new IllegalStateException("boom");
            AtomicInteger ran = new AtomicInteger();
            assertSame(boom, assertThrows(IllegalStateException.class, () -> pool.forEach(1000, t -> {
                ran.incrementAndGet();
                if (t == 5) {
                    throw boom;
                }
            })));
            assertTrue(ran.get() < 1000, "the tasks after a failure are skipped");
        }
    }

    @Test
    void aConfiguredPoolTakesTheBoundCount() throws Exception {
        try (KernelPool pool = ThreadCount.where(2).call(() -> KernelPool.configured("test"))) {
            assertEquals(2, pool.threads());
        }
    }

    @Test
    void anUnusedPoolStartsNoThread() {
        try (KernelPool pool = new KernelPool(4, "unused-test")) {
            pool.forRange(1, 1, (from, to) -> { });
            assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().startsWith("unused-test-")));
        }
    }
}

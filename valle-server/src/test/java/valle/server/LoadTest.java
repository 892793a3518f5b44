package valle.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import valle.core.Valle;

/**
 * 200 requests from 16 clients on loopback against a server that runs 2 at a time and queues 6: every answer is
 * either the same audio as a serial request with the same seed, or an intended 429 with {@code Retry-After}
 * (after which the client tries again); the heap after the run is where it was before it. The figures are
 * printed for the record.
 */
class LoadTest {
    private static final int CLIENTS = 16;
    private static final int REQUESTS = 200;
    private static final int SEEDS = 4;

    private static String body(int seed) {
        return "{\"input\": \"həlˈoʊ wˈɜːld.\", \"voice\": \"alice\", \"response_format\": \"wav\", \"seed\": " + seed + ", \"max_duration\": 30}";
    }

    @Test
    void manyClientsGetSerialResultsOrA429AndMemoryStaysFlat(@TempDir Path voices) throws Exception {
        Files.copy(TinyModel.PROMPT, voices.resolve("alice.wav"));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (Valle tts = TinyModel.open();
             ValleServer server = ValleServer.start(tts, ServerConfig.defaults().withPort(0).withVoicesDir(voices)
                     .withConcurrency(2, 6))) {
            java.net.URI speech = server.uri().resolve("v1/audio/speech");
            List<byte[]> serial = new ArrayList<>();
            for (int s = 0; s < SEEDS; s++) {
                HttpResponse<byte[]> r = http.send(request(speech, s),
                        HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, r.statusCode());
                serial.add(r.body());
            }
            long heapBefore = usedHeapAfterGc();

            Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
            List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger next = new AtomicInteger();
            long started = System.nanoTime();
            try (ExecutorService clients = Executors.newFixedThreadPool(CLIENTS)) {
                List<Future<?>> done = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    done.add(clients.submit(() -> {
                        for (int i = next.getAndIncrement(); i < REQUESTS; i = next.getAndIncrement()) {
                            int seed = i % SEEDS;
                            long t0 = System.nanoTime();
                            // a refused request is tried again shortly (sooner than Retry-After says, to keep it quick)
                            for (;;) {
                                HttpResponse<byte[]> r = http.send(request(speech, seed), HttpResponse.BodyHandlers.ofByteArray());
                                statuses.computeIfAbsent(r.statusCode(), k -> new AtomicInteger()).incrementAndGet();
                                if (r.statusCode() == 200) {
                                    assertArrayEquals(serial.get(seed), r.body(), "request " + i + " (seed " + seed + ")");
                                    break;
                                }
                                assertEquals(429, r.statusCode(), new String(r.body()));
                                assertNotNull(r.headers().firstValue("Retry-After").orElse(null));
                                Thread.sleep(100);
                            }
                            latencies.add(System.nanoTime() - t0);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            long heapAfter = usedHeapAfterGc();
            List<Long> sorted = new ArrayList<>(latencies);
            Collections.sort(sorted);
            System.out.printf("load: %d requests from %d clients (429s retried) in %.1f s; statuses %s; latency p50 %.3f s, p95 %.3f s,"
                            + " max %.3f s; heap after GC %.1f MiB before, %.1f MiB after%n", REQUESTS, CLIENTS, seconds,
                    statuses, sorted.get(sorted.size() / 2) / 1e9, sorted.get(sorted.size() * 95 / 100) / 1e9,
                    sorted.getLast() / 1e9, heapBefore / 1048576.0, heapAfter / 1048576.0);
            assertEquals(REQUESTS, statuses.get(200).get(), statuses.toString());
            assertTrue(heapAfter - heapBefore < 64L << 20, "heap grew from " + heapBefore + " to " + heapAfter);
        }
    }

    /** A request of its own per call: an {@code HttpRequest.Builder} is not safe to share between threads. */
    private static HttpRequest request(java.net.URI speech, int seed) {
        return HttpRequest.newBuilder(speech).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(seed))).build();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }
}

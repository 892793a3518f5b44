package valle.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import valle.api.codec.AudioCodec;
import valle.api.codec.Codes;
import valle.core.Valle;
import valle.core.infer.CodeRequest;
import valle.core.plugin.CodecRole;
import valle.core.speech.InferenceSettings;

/**
 * One loaded model and one loaded codec serving many requests at once, as in a server: 8 threads get exactly
 * what serial runs with the same seeds get (codes, decoded samples, re-encoded codes), and over 1000 requests on
 * the tiny model neither the heap nor the thread count grows.
 */
class ConcurrentStressTest {
    private static final Path VARIANT = Path.of("golden/ar_nar");
    private static final Path ENCODEC = Path.of("golden/codec/weights/encodec_hf");
    private static final int THREADS = 8;
    private static Valle valle;
    private static AudioCodec codec;
    private static VariantInputs in;

    @BeforeAll
    static void load() {
        valle = Valle.builder().model(VARIANT.resolve("model.sft")).build();
        codec = CodecRole.ENCODE.choose(valle.plugins().codecs(), "encodec").open(ENCODEC);
        in = VariantInputs.read(new GoldenFolder(VARIANT.resolve("inputs")));
    }

    @AfterAll
    static void close() {
        codec.close();
        valle.close();
    }

    /** What one request produces end to end. */
    private record Outcome(Codes codes, float[] speech, Codes reencoded) {
    }

    private static CodeRequest request(int seed) {
        InferenceSettings s = InferenceSettings.fromKwargs(Map.of("ar_temperature", 1.0, "nar_temperature", 1.0,
                "seed", seed, "max_duration", 8));
        return new CodeRequest(in.text(), in.lang(), in.prompt(), s);
    }

    private static Outcome serve(int seed) {
        Codes codes = valle.generate(request(seed));
        float[] speech = codec.decode(codes);
        // a request may stop at once (zero frames): there is nothing to re-encode then
        return new Outcome(codes, speech, speech.length == 0 ? codes : codec.encode(speech, codes.levels()));
    }

    @Test
    void eightThreadsGetWhatSerialRunsGet() throws Exception {
        int requests = 48;
        List<Outcome> serial = new ArrayList<>();
        for (int seed = 0; seed < requests; seed++) {
            serial.add(serve(seed));
        }
        List<Integer> order = new ArrayList<>();
        for (int seed = 0; seed < requests; seed++) {
            order.add(seed);
        }
        Collections.shuffle(order, new Random(42));
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (int seed : order) {
                futures.add(pool.submit(() -> serve(seed)));
            }
            int distinct = 0;
            int spoken = 0;
            for (int i = 0; i < requests; i++) {
                int seed = order.get(i);
                Outcome concurrent = futures.get(i).get();
                Outcome expected = serial.get(seed);
                assertArrayEquals(expected.codes().data(), concurrent.codes().data(), "codes of seed " + seed);
                assertArrayEquals(expected.speech(), concurrent.speech(), "speech of seed " + seed);
                assertArrayEquals(expected.reencoded().data(), concurrent.reencoded().data(), "re-encoded seed " + seed);
                distinct += java.util.Arrays.equals(expected.codes().data(), serial.get(0).codes().data()) ? 0 : 1;
                spoken += expected.speech().length > 0 ? 1 : 0;
            }
            assertTrue(distinct > requests / 2, "seeds must sample differently, or the comparison proves little");
            assertTrue(spoken > requests / 2, "most requests must produce speech, or the codec is barely exercised");
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void memoryAndThreadsStayFlatOver1000Requests() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        long[] heap = new long[2];
        int[] threads = new int[2];
        try {
            for (int round = 0; round < 10; round++) {
                List<Future<Codes>> futures = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    int seed = round * 100 + i;
                    futures.add(pool.submit(() -> {
                        Codes codes = valle.generate(request(seed));
                        codec.decode(codes);
                        return codes;
                    }));
                }
                for (Future<Codes> f : futures) {
                    assertEquals(8, f.get().levels());
                }
                if (round == 1 || round == 9) {
                    // after a warm-up round: caches, JIT and pools are in place; then only leaks can grow
                    int at = round == 1 ? 0 : 1;
                    heap[at] = settledHeap();
                    threads[at] = Thread.activeCount();
                }
            }
        } finally {
            pool.shutdown();
        }
        long growth = heap[1] - heap[0];
        assertTrue(growth < 16L << 20, "heap grew by " + (growth >> 20) + " MiB over 800 requests (" + (heap[0] >> 20)
                + " -> " + (heap[1] >> 20) + " MiB)");
        assertEquals(threads[0], threads[1], "threads leaked");
    }

    /** Heap in use after collections: the least of three readings, so garbage still in flight is not counted. */
    private static long settledHeap() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            least = Math.min(least, runtime.totalMemory() - runtime.freeMemory());
        }
        return least;
    }
}

package valle.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import valle.api.codec.Codes;
import valle.core.Valle;
import valle.core.batch.SchedulerStats;
import valle.core.infer.CodeRequest;
import valle.core.speech.InferenceSettings;
import valle.core.speech.Speech;
import valle.core.speech.SpeechChunk;
import valle.core.speech.SpeechListener;
import valle.core.speech.SpeechRequest;
import valle.core.speech.Voice;

/**
 * Continuous batching on the tiny AR+NAR-len model: different requests (AR+NAR and NAR-len, different seeds,
 * temperatures and lengths) run together through the scheduler's slots give exactly the codes and audio each gives
 * alone, whatever the slot count; their passes really shared ticks; and a cancelled stream frees its slot.
 */
class ContinuousBatchingTest {
    private static final Path VARIANT = Path.of("golden/ar_nar_len");
    private static final Path VOCOS = Path.of("golden/codec/weights/vocos");
    private static Valle alone;
    private static VariantInputs in;

    @BeforeAll
    static void load() {
        alone = Valle.builder().model(VARIANT.resolve("model.sft")).vocoder(VOCOS).build();
        in = VariantInputs.read(new GoldenFolder(VARIANT.resolve("inputs")));
    }

    @AfterAll
    static void close() {
        alone.close();
    }

    private static Valle batched(int slots) {
        return Valle.builder().model(VARIANT.resolve("model.sft")).vocoder(VOCOS).slots(slots).build();
    }

    /** Request {@code i}: even ones AR+NAR, odd ones NAR-len, each with its own seed, temperature and length. */
    private static CodeRequest request(int i) {
        InferenceSettings s = InferenceSettings.fromKwargs(Map.of(
                "modality", i % 2 == 0 ? "ar+nar" : "nar-len",
                "ar_temperature", 0.5 + 0.1 * i, "nar_temperature", 1.0, "seed", 100 + i,
                "max_duration", 6 + 2 * i, "max_steps", 4 + i % 3));
        int[] text = i % 3 == 0 ? in.text() : java.util.Arrays.copyOf(in.text(), Math.max(3, in.text().length - i));
        text[text.length - 1] = in.text()[in.text().length - 1];
        return new CodeRequest(text, in.lang(), i % 4 == 3 ? null : in.prompt(), s);
    }

    private static SpeechRequest speechRequest(int i) {
        return new SpeechRequest("həlˈoʊ wˈɜːld. hˈaʊ ɑːɹ juː?", SpeechRequest.Input.PHONEMES, "en",
                Voice.of("prompt", in.prompt()), InferenceSettings.fromKwargs(Map.of(
                "modality", i % 2 == 0 ? "ar+nar" : "nar-len", "seed", 7 + i, "max_duration", 10,
                "ar_temperature", 1.0)));
    }

    @ParameterizedTest(name = "{0} slots")
    @ValueSource(ints = {1, 2, 4})
    void requestsRunTogetherGiveWhatEachGivesAlone(int slots) throws Exception {
        int requests = 8;
        List<Codes> serial = new ArrayList<>();
        List<Speech> serialSpeech = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            serial.add(alone.generate(request(i)));
            serialSpeech.add(alone.speak(speechRequest(i)));
        }
        try (Valle valle = batched(slots)) {
            ExecutorService pool = Executors.newFixedThreadPool(2 * requests);
            try {
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Codes>> codes = new ArrayList<>();
                List<Future<Speech>> speech = new ArrayList<>();
                for (int i = 0; i < requests; i++) {
                    int r = i;
                    codes.add(pool.submit(() -> {
                        start.await();
                        return valle.generate(request(r));
                    }));
                    speech.add(pool.submit(() -> {
                        start.await();
                        return valle.speak(speechRequest(r));
                    }));
                }
                start.countDown();
                int distinct = 0;
                for (int i = 0; i < requests; i++) {
                    assertArrayEquals(serial.get(i).data(), codes.get(i).get().data(), "codes of request " + i);
                    Speech s = speech.get(i).get();
                    assertArrayEquals(serialSpeech.get(i).codes().data(), s.codes().data(), "speech codes of request " + i);
                    assertArrayEquals(serialSpeech.get(i).samples(), s.samples(), "audio of request " + i);
                    distinct += java.util.Arrays.equals(serial.get(i).data(), serial.get(0).data()) ? 0 : 1;
                }
                assertTrue(distinct >= requests / 2, "the requests must differ, or the comparison proves little");
            } finally {
                pool.shutdown();
            }
            SchedulerStats stats = valle.scheduler().orElseThrow();
            assertEquals(slots, stats.slots());
            assertEquals(0, stats.active());
            assertTrue(stats.ticks() > 0);
            if (slots > 1) {
                assertTrue(stats.sequences() > stats.ticks(), "no tick batched more than one sequence: " + stats);
            }
        }
    }

    @Test
    void aCancelledStreamFreesItsSlotForTheNextRequest() throws Exception {
        try (Valle valle = batched(1)) {
            SpeechRequest longOne = new SpeechRequest("həlˈoʊ wˈɜːld.\n".repeat(20),
                    SpeechRequest.Input.PHONEMES, "en", Voice.of("prompt", in.prompt()),
                    InferenceSettings.fromKwargs(Map.of("modality", "ar+nar", "seed", 1, "max_duration", 300,
                            "ar_temperature", 1.0)));
            CountDownLatch first = new CountDownLatch(1);
            Flow.Subscription[] subscription = new Flow.Subscription[1];
            valle.stream(longOne).subscribe(new Flow.Subscriber<>() {
                @Override
                public void onSubscribe(Flow.Subscription s) {
                    subscription[0] = s;
                    s.request(1);
                }

                @Override
                public void onNext(SpeechChunk item) {
                    first.countDown();
                }

                @Override
                public void onError(Throwable throwable) {
                }

                @Override
                public void onComplete() {
                }
            });
            assertTrue(first.await(60, TimeUnit.SECONDS), "the first sentence never came");
            // the stream holds the only slot, waiting for demand or generating the second sentence
            assertEquals(1, valle.scheduler().orElseThrow().active());
            subscription[0].cancel();
            long cancelled = System.nanoTime();
            Codes next = valle.generate(request(0));
            assertArrayEquals(alone.generate(request(0)).data(), next.data());
            assertTrue(System.nanoTime() - cancelled < TimeUnit.SECONDS.toNanos(10), "the slot was not freed");
        }
    }

    @Test
    void aClosedSchedulerRefusesNewPasses() {
        Valle valle = batched(2);
        valle.close();
        assertThrows(IllegalStateException.class, () -> valle.generate(request(0)));
    }

    @Test
    void aSlotCountBelowOneIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Valle.builder().slots(0));
        assertTrue(e.getMessage().contains("slots"), e.getMessage());
    }

    @Test
    void aListenerThatFailsFreesTheSlot() {
        try (Valle valle = batched(1)) {
            SpeechListener failing = new SpeechListener() {
                @Override
                public void step(int done, int total) {
                    throw new IllegalStateException("boom");
                }
            };
            assertThrows(IllegalStateException.class, () -> valle.speak(speechRequest(0), failing));
            assertEquals(0, valle.scheduler().orElseThrow().active());
            assertArrayEquals(alone.generate(request(1)).data(), valle.generate(request(1)).data());
        }
    }
}

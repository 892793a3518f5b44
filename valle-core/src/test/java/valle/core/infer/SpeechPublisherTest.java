package valle.core.infer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import valle.api.codec.Codes;
import valle.core.speech.Modality;
import valle.core.speech.Speech;
import valle.core.speech.SpeechChunk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;


/**
 * The publisher's protocol on a job that makes numbered sentences; the generation itself is tested with the
 * model in the TCK's {@code SpeechFacadeTest}.
 */
class SpeechPublisherTest {

    private static SpeechChunk chunk(int i, int n) {
        return new SpeechChunk(i, n, "s" + i, Modality.NAR_LEN, new Codes(1, 1, new int[] {i}), new float[] {i}, 24000,
                Duration.ZERO, Duration.ZERO);
    }

    /** A job of {@code n} sentences with {@code steps} progress steps each; counts the sentences it made. */
    private static SpeechPublisher publisher(int n, int steps, AtomicInteger made) {
        return new SpeechPublisher(listener -> {
            List<SpeechChunk> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < steps; k++) {
                    listener.step(k + 1, steps);
                }
                SpeechChunk c = chunk(i, n);
                made.incrementAndGet();
                out.add(c);
                listener.sentence(c);
            }
            return new Speech(out, 24000);
        });
    }

    private static final class Recorder implements Flow.Subscriber<SpeechChunk> {
        final List<Integer> items = new CopyOnWriteArrayList<>();
        final CompletableFuture<Throwable> end = new CompletableFuture<>();
        final long initial;
        final boolean cancelAfterFirst;
        volatile Flow.Subscription subscription;

        Recorder(long initial, boolean cancelAfterFirst) {
            this.initial = initial;
            this.cancelAfterFirst = cancelAfterFirst;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(initial);
        }

        @Override
        public void onNext(SpeechChunk item) {
            items.add(item.index());
            if (cancelAfterFirst) {
                subscription.cancel();
            }
        }

        @Override
        public void onError(Throwable t) {
            end.complete(t);
        }

        @Override
        public void onComplete() {
            end.complete(null);
        }
    }

    @Test
    void deliversInOrderAndCompletes() throws Exception {
        Recorder r = new Recorder(Long.MAX_VALUE, false);
        publisher(4, 3, new AtomicInteger()).subscribe(r);
        assertNull(r.end.get(10, TimeUnit.SECONDS));
        assertEquals(List.of(0, 1, 2, 3), r.items);
    }

    @Test
    void waitsForDemandAndRunsAtMostOneSentenceAhead() throws Exception {
        AtomicInteger made = new AtomicInteger();
        Recorder r = new Recorder(1, false);
        publisher(5, 1, made).subscribe(r);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (made.get() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Thread.sleep(100);
        assertEquals(List.of(0), r.items);
        assertEquals(2, made.get(), "the second sentence waits for demand once made");
        r.subscription.request(10);
        assertNull(r.end.get(10, TimeUnit.SECONDS));
        assertEquals(List.of(0, 1, 2, 3, 4), r.items);
    }

    @Test
    void cancellingStopsTheWorkWithoutSignals() throws Exception {
        AtomicInteger made = new AtomicInteger();
        Recorder r = new Recorder(Long.MAX_VALUE, true);
        publisher(50, 100, made).subscribe(r);
        Thread.sleep(300);
        assertEquals(List.of(0), r.items);
        assertTrue(made.get() <= 2, "stopped at the next step: made " + made.get());
        assertFalse(r.end.isDone(), "no onComplete or onError after cancel");
    }

    @Test
    void aNonPositiveRequestAndASecondSubscriberAreErrors() throws Exception {
        Recorder bad = new Recorder(0, false);
        publisher(3, 1, new AtomicInteger()).subscribe(bad);
        assertInstanceOf(IllegalArgumentException.class, bad.end.get(10, TimeUnit.SECONDS));

        SpeechPublisher once = publisher(1, 1, new AtomicInteger());
        Recorder first = new Recorder(Long.MAX_VALUE, false);
        once.subscribe(first);
        Recorder second = new Recorder(1, false);
        once.subscribe(second);
        assertInstanceOf(IllegalStateException.class, second.end.get(10, TimeUnit.SECONDS));
        assertNull(first.end.get(10, TimeUnit.SECONDS));
    }
}

package valle.core.infer;

import java.util.concurrent.CancellationException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import valle.core.speech.Speech;
import valle.core.speech.SpeechChunk;
import valle.core.speech.SpeechListener;

/**
 * A request's sentences as a {@link Flow.Publisher}: generation starts on a virtual thread when the one
 * subscriber subscribes, runs ahead of demand by at most one sentence, and stops at the next step after
 * {@link Flow.Subscription#cancel()}. Errors of the request reach {@code onError}; a second subscriber is
 * refused, since the speech is made once.
 */
final class SpeechPublisher implements Flow.Publisher<SpeechChunk> {
    private final Function<SpeechListener, Speech> job;
    private final AtomicBoolean subscribed = new AtomicBoolean();

    /** @param job runs the request, reporting to the listener it is given */
    SpeechPublisher(Function<SpeechListener, Speech> job) {
        this.job = job;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super SpeechChunk> subscriber) {
        if (!subscribed.compareAndSet(false, true)) {
            subscriber.onSubscribe(new Flow.Subscription() {
                @Override
                public void request(long n) {
                }

                @Override
                public void cancel() {
                }
            });
            subscriber.onError(new IllegalStateException("this speech has a subscriber already; call stream() again"));
            return;
        }
        Delivery delivery = new Delivery(subscriber);
        subscriber.onSubscribe(delivery);
        Thread.ofVirtual().name("valle-speech").start(delivery::run);
    }

    /** The subscription: demand, cancellation and the generating thread's side of both. */
    private final class Delivery implements Flow.Subscription, SpeechListener {
        private final Flow.Subscriber<? super SpeechChunk> subscriber;
        private long demand;
        private boolean cancelled;
        private Throwable refused;

        Delivery(Flow.Subscriber<? super SpeechChunk> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public synchronized void request(long n) {
            if (n <= 0) {
                // Reactive Streams rule 3.9: a non-positive request is an error, signalled once
                refused = new IllegalArgumentException("request(" + n + "): demand must be positive");
                cancelled = true;
            } else {
                demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            }
            notifyAll();
        }

        @Override
        public synchronized void cancel() {
            cancelled = true;
            notifyAll();
        }

        void run() {
            try {
                job.apply(this);
                if (!isCancelled()) {
                    subscriber.onComplete();
                }
            } catch (CancellationException e) {
                signalRefusal();
            } catch (RuntimeException | Error e) {
                if (!isCancelled()) {
                    subscriber.onError(e);
                } else {
                    signalRefusal();
                }
            }
        }

        @Override
        public void sentence(SpeechChunk chunk) {
            synchronized (this) {
                while (demand == 0 && !cancelled) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        cancelled = true;
                    }
                }
                if (cancelled) {
                    throw new CancellationException("the subscriber cancelled");
                }
                demand--;
            }
            subscriber.onNext(chunk);
        }

        @Override
        public void step(int done, int total) {
            if (isCancelled()) {
                throw new CancellationException("the subscriber cancelled");
            }
        }

        @Override
        public boolean cancelled() {
            return isCancelled();
        }

        private synchronized boolean isCancelled() {
            return cancelled;
        }

        private void signalRefusal() {
            Throwable e;
            synchronized (this) {
                e = refused;
                refused = null;
            }
            if (e != null) {
                subscriber.onError(e);
            }
        }
    }
}

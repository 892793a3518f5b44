package valle.core.batch;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import valle.api.arch.Backbone;
import valle.api.arch.BackboneInput;
import valle.api.arch.BackboneState;

/**
 * The tick loop: gathers the passes the slots submit and, once every slot in its model stage has submitted (or
 * the patience ran out, so that a slot stuck outside the backbone stalls no one for long), runs them as one
 * batched incremental pass ({@link Backbone#forward(List, List)}) per backbone and each request's full passes
 * ({@link Backbone#forward(List)}, a CFG pair in one call), then wakes the slots. Batched results equal each pass run alone
 * (the SPI's contract), so who shares a tick never changes a request's output. Runs on its own platform thread.
 */
final class Batcher implements AutoCloseable {
    private final ReentrantLock lock = new ReentrantLock();
    /** The loop waits here for submissions. */
    private final Condition submitted = lock.newCondition();
    /** The slots wait here for their tick to end. */
    private final Condition completed = lock.newCondition();
    private final List<PendingPass> pending = new ArrayList<>();
    private final Set<Slot> active = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    private final long patienceNanos;
    private final SchedulerStats.Recorder stats;
    private final Thread thread;
    private long firstPendingAt;
    private boolean closed;

    Batcher(long patienceNanos, SchedulerStats.Recorder stats) {
        this.patienceNanos = patienceNanos;
        this.stats = stats;
        this.thread = Thread.ofPlatform().daemon().name("valle-batcher").start(this::loop);
    }

    /** A newly admitted slot: it joins the tick after its first submission. */
    void enter(Slot slot) {
        lock.lock();
        try {
            slot.stage = Slot.Stage.JOINING;
            active.add(slot);
        } finally {
            lock.unlock();
        }
    }

    /** The slot's request ended, failed or was cancelled: no tick waits for it any more. */
    void exit(Slot slot) {
        lock.lock();
        try {
            active.remove(slot);
            submitted.signal();
        } finally {
            lock.unlock();
        }
    }

    void leave(Slot slot) {
        lock.lock();
        try {
            slot.stage = Slot.Stage.OUTSIDE;
            submitted.signal();
        } finally {
            lock.unlock();
        }
    }

    void rejoin(Slot slot) {
        lock.lock();
        try {
            slot.stage = Slot.Stage.JOINING;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Hands {@code pass} to the next tick and waits for it to be run.
     *
     * @throws CancellationException when the calling thread is interrupted before its pass was taken into a tick
     *                               (after that the tick finishes it, and the interrupt stays set for the loop)
     */
    List<float[]> submit(PendingPass pass) {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the scheduler is closed");
            }
            if (Thread.currentThread().isInterrupted() || pass.slot().cancelled()) {
                throw new CancellationException("the request was cancelled");
            }
            if (pending.isEmpty()) {
                firstPendingAt = System.nanoTime();
            }
            pending.add(pass);
            pass.slot().stage = Slot.Stage.SUBMITTED;
            submitted.signal();
            boolean interrupted = false;
            while (!pass.done()) {
                try {
                    completed.await();
                } catch (InterruptedException e) {
                    if (pending.remove(pass)) {
                        pass.slot().stage = Slot.Stage.JOINING;
                        submitted.signal();
                        Thread.currentThread().interrupt();
                        throw new CancellationException("the request was cancelled");
                    }
                    // its tick is running over its state: let it finish before the request unwinds
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        } finally {
            lock.unlock();
        }
        return pass.results();
    }

    private void loop() {
        while (true) {
            List<PendingPass> tick;
            lock.lock();
            try {
                while (!closed && !ready()) {
                    if (pending.isEmpty()) {
                        submitted.awaitUninterruptibly();
                    } else {
                        long left = firstPendingAt + patienceNanos - System.nanoTime();
                        try {
                            submitted.awaitNanos(Math.max(1, left));
                        } catch (InterruptedException e) {
                            // only close() ends the loop
                        }
                    }
                }
                if (closed) {
                    for (PendingPass p : pending) {
                        p.fail(new IllegalStateException("the scheduler was closed"));
                    }
                    pending.clear();
                    completed.signalAll();
                    return;
                }
                tick = new ArrayList<>(pending);
                pending.clear();
            } finally {
                lock.unlock();
            }
            long started = System.nanoTime();
            try {
                run(tick);
            } catch (RuntimeException | Error e) {
                // never leave a slot waiting on a tick that died
                for (PendingPass p : tick) {
                    if (!p.done()) {
                        p.fail(new IllegalStateException("the batched pass failed: " + e, e));
                    }
                }
            }
            long took = System.nanoTime() - started;
            lock.lock();
            try {
                for (PendingPass p : tick) {
                    // a slot between passes: the next tick waits for it
                    if (p.slot().stage == Slot.Stage.SUBMITTED) {
                        p.slot().stage = Slot.Stage.STEPPING;
                    }
                }
                completed.signalAll();
            } finally {
                lock.unlock();
            }
            stats.tick(tick.stream().mapToInt(PendingPass::sequences).sum(), took);
        }
    }

    /** Whether a tick should run now: something to run, and no slot in its model stage still to submit. */
    private boolean ready() {
        if (pending.isEmpty()) {
            return false;
        }
        if (System.nanoTime() - firstPendingAt >= patienceNanos) {
            return true;
        }
        for (Slot s : active) {
            if (s.stage == Slot.Stage.STEPPING) {
                return false;
            }
        }
        return true;
    }

    /** Runs one tick's passes: per backbone, the incremental ones together, then the full ones request by request. */
    private static void run(List<PendingPass> tick) {
        Map<Backbone, List<PendingPass>> incremental = new LinkedHashMap<>();
        Map<Backbone, List<PendingPass>> full = new LinkedHashMap<>();
        for (PendingPass p : tick) {
            (p.isIncremental() ? incremental : full).computeIfAbsent(p.backbone(), b -> new ArrayList<>()).add(p);
        }
        incremental.forEach(Batcher::runIncremental);
        full.forEach(Batcher::runFull);
    }

    /** The incremental passes of one backbone in one batched call (package-private for its failure test). */
    static void runIncremental(Backbone backbone, List<PendingPass> passes) {
        List<BackboneState> states = new ArrayList<>();
        List<BackboneInput> inputs = new ArrayList<>();
        for (PendingPass p : passes) {
            states.addAll(p.states());
            inputs.addAll(p.inputs());
        }
        int[] lengths = states.stream().mapToInt(BackboneState::length).toArray();
        List<float[]> hidden;
        try {
            hidden = backbone.forward(states, inputs);
        } catch (RuntimeException e) {
            // alone, each pass gets its own result or failure; but a backbone may have appended some sequences'
            // rows before the failure (one run after another), and running those again would append them twice
            int at = 0;
            for (PendingPass p : passes) {
                boolean untouched = true;
                for (BackboneState state : p.states()) {
                    untouched &= state.length() == lengths[at++];
                }
                if (untouched) {
                    runAlone(p, () -> backbone.forward(p.states(), p.inputs()));
                } else {
                    p.fail(new IllegalStateException("the batched pass failed after it had advanced this request's"
                            + " state: " + e, e));
                }
            }
            return;
        }
        distribute(passes, hidden);
    }

    /**
     * Full passes (NAR levels, NAR-len steps, duration prefills) run request by request, each request's own
     * passes (a CFG pair) in one call: they are compute-bound, so stacking several requests' rows reads the weights
     * no fewer times per row, and at the published size on onnx it made 4 NAR-len requests 14 % slower (the
     * stacked activations leave the caches).
     */
    private static void runFull(Backbone backbone, List<PendingPass> passes) {
        passes.forEach(p -> runAlone(p, () -> backbone.forward(p.inputs())));
    }

    private static void distribute(List<PendingPass> passes, List<float[]> hidden) {
        int at = 0;
        for (PendingPass p : passes) {
            p.succeed(List.copyOf(hidden.subList(at, at + p.sequences())));
            at += p.sequences();
        }
    }

    private static void runAlone(PendingPass pass, java.util.function.Supplier<List<float[]>> work) {
        try {
            pass.succeed(work.get());
        } catch (RuntimeException e) {
            pass.fail(e);
        }
    }

    /** Fails what waits and stops the loop, waiting for a tick that runs to end; idempotent. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            submitted.signal();
        } finally {
            lock.unlock();
        }
        // until the loop has ended: the model is closed after this, and a tick still running would read freed
        // weights (a native session closed under its run)
        boolean interrupted = false;
        while (thread.isAlive() && Thread.currentThread() != thread) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}

package valle.core.batch;

import java.util.List;
import java.util.function.Supplier;
import valle.api.arch.Backbone;
import valle.api.codec.AudioCodec;
import valle.core.model.ValleModel;

/**
 * One request's place in a {@link Scheduler}, held from admission until the request ends, fails or is cancelled.
 * The request runs its ordinary loops on its own thread against {@link #through(ValleModel) a batching view} of
 * the model; what it does outside the backbone (sampling, building its next input) runs there too, in parallel
 * with the other slots. Its seed, sampler state and stop live in its loops, as when it runs alone.
 */
public final class Slot {
    /** Where the slot is, as the batcher sees it; guarded by the batcher's lock. */
    enum Stage {
        /** Admitted or back from the codec: it joins whichever tick follows its next submission. */
        JOINING,
        /** Between two passes of its model stage (sampling): each tick waits for its next submission. */
        STEPPING,
        /** Its pass waits for, or is in, a tick. */
        SUBMITTED,
        /** Decoding audio or otherwise away from the backbone: no tick waits for it. */
        OUTSIDE
    }

    private final Batcher batcher;
    private final int index;
    Stage stage = Stage.JOINING;
    private volatile java.util.function.BooleanSupplier cancelled = () -> false;

    Slot(Batcher batcher, int index) {
        this.batcher = batcher;
        this.index = index;
    }

    /** Which of the scheduler's slots this is, from 0. */
    public int index() {
        return index;
    }

    /** The model with every backbone seen through this slot's batching view. */
    public ValleModel through(ValleModel model) {
        return model.through(this::through);
    }

    /** {@code backbone} seen through this slot: its passes join the batcher's ticks. */
    public Backbone through(Backbone backbone) {
        return new BatchingBackbone(backbone, this);
    }

    /** {@code codec} whose decoding runs as this slot's own stage, outside the ticks (they do not wait for it). */
    public AudioCodec decoding(AudioCodec codec) {
        return codec == null ? null : new OutsideCodec(codec, this);
    }

    /** Runs {@code work} (codec decode, delivery) with this slot outside the model stage. */
    public <T> T outside(Supplier<T> work) {
        batcher.leave(this);
        try {
            return work.get();
        } finally {
            batcher.rejoin(this);
        }
    }

    /** Makes every later pass of this slot fail at once (and so free the slot) when {@code cancelled} says so. */
    public void cancelWhen(java.util.function.BooleanSupplier cancelled) {
        this.cancelled = cancelled;
    }

    boolean cancelled() {
        return cancelled.getAsBoolean();
    }

    List<float[]> submit(PendingPass pass) {
        return batcher.submit(pass);
    }
}

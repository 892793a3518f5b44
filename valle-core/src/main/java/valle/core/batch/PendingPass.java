package valle.core.batch;

import java.util.List;
import valle.api.arch.Backbone;
import valle.api.arch.BackboneInput;
import valle.api.arch.BackboneState;

/**
 * One backbone call a slot handed to the batcher: an incremental pass (one state, one input) or full passes
 * (inputs only), with its result or failure once the tick that ran it is over. Guarded by the batcher's lock.
 */
final class PendingPass {
    private final Slot slot;
    private final Backbone backbone;
    private final List<BackboneState> states;
    private final List<BackboneInput> inputs;
    private List<float[]> results;
    private RuntimeException failure;
    private boolean done;

    private PendingPass(Slot slot, Backbone backbone, List<BackboneState> states, List<BackboneInput> inputs) {
        this.slot = slot;
        this.backbone = backbone;
        this.states = states;
        this.inputs = inputs;
    }

    /** Appends {@code inputs.get(i)} to {@code states.get(i)}. */
    static PendingPass incremental(Slot slot, Backbone backbone, List<BackboneState> states, List<BackboneInput> inputs) {
        if (states.size() != inputs.size()) {
            throw new IllegalArgumentException(states.size() + " states for " + inputs.size() + " inputs");
        }
        return new PendingPass(slot, backbone, List.copyOf(states), List.copyOf(inputs));
    }

    static PendingPass full(Slot slot, Backbone backbone, List<BackboneInput> inputs) {
        return new PendingPass(slot, backbone, null, List.copyOf(inputs));
    }

    Slot slot() {
        return slot;
    }

    Backbone backbone() {
        return backbone;
    }

    boolean isIncremental() {
        return states != null;
    }

    /** The states an incremental pass appends to, one per input. */
    List<BackboneState> states() {
        return states;
    }

    List<BackboneInput> inputs() {
        return inputs;
    }

    /** Sequences this pass adds to its tick's batch. */
    int sequences() {
        return inputs.size();
    }

    void succeed(List<float[]> hidden) {
        results = hidden;
        done = true;
    }

    void fail(RuntimeException e) {
        failure = e;
        done = true;
    }

    boolean done() {
        return done;
    }

    /** The hidden states, one array per input; throws what the pass threw. */
    List<float[]> results() {
        if (failure != null) {
            throw failure;
        }
        return results;
    }
}

package valle.core.batch;

import java.util.List;
import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.arch.BackboneInput;
import valle.api.arch.BackboneProbe;
import valle.api.arch.BackboneState;

/**
 * One slot's view of a backbone: its passes are handed to the scheduler's batcher, which runs them together with
 * the other slots' passes of the same tick; the calling thread waits until the tick is over. States are the
 * backbone's own, so each request keeps its KV cache. Probed passes (conformance only) run directly.
 */
final class BatchingBackbone implements Backbone {
    private final Backbone backbone;
    private final Slot slot;

    BatchingBackbone(Backbone backbone, Slot slot) {
        this.backbone = backbone;
        this.slot = slot;
    }

    @Override
    public BackboneConfig config() {
        return backbone.config();
    }

    @Override
    public float[] forward(BackboneInput input) {
        return slot.submit(PendingPass.full(slot, backbone, List.of(input))).getFirst();
    }

    @Override
    public float[] forward(BackboneInput input, BackboneProbe probe) {
        return backbone.forward(input, probe);
    }

    @Override
    public List<float[]> forward(List<BackboneInput> batch) {
        if (batch.isEmpty()) {
            return List.of();
        }
        return slot.submit(PendingPass.full(slot, backbone, batch));
    }

    @Override
    public BackboneState newState() {
        return backbone.newState();
    }

    @Override
    public float[] forward(BackboneState state, BackboneInput input) {
        return slot.submit(PendingPass.incremental(slot, backbone, List.of(state), List.of(input))).getFirst();
    }

    @Override
    public List<float[]> forward(List<BackboneState> states, List<BackboneInput> inputs) {
        if (states.isEmpty() && inputs.isEmpty()) {
            return List.of();
        }
        return slot.submit(PendingPass.incremental(slot, backbone, states, inputs));
    }

    /** The view owns nothing: the backbone belongs to the model. */
    @Override
    public void close() {
    }
}

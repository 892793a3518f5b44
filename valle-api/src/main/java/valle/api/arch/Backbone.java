package valle.api.arch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import valle.api.Experimental;
import valle.api.Stable;

/**
 * A loaded backbone: input embeddings in, final hidden states (after the final norm) out. Thread-safe: one
 * backbone serves concurrent requests; per-request data lives in {@link BackboneState}s.
 */
@Stable(since = "0.1")
public interface Backbone extends AutoCloseable {

    BackboneConfig config();

    /**
     * A full-sequence pass.
     *
     * @return hidden states {@code [rows, D]}, row-major, owned by the caller
     */
    float[] forward(BackboneInput input);

    /**
     * A full-sequence pass that also reports what happens inside it to {@code probe} (per-layer outputs, a
     * mixture-of-experts layer's routing). Same result as {@link #forward(BackboneInput)}.
     *
     * @throws UnsupportedOperationException when this backbone does not report its internals
     */
    @Experimental("per-layer conformance cases and the mixture-of-experts benchmark are its first users")
    default float[] forward(BackboneInput input, BackboneProbe probe) {
        throw new UnsupportedOperationException("backbone '" + config().archType()
                + "' does not report per-layer values to a probe");
    }

    /** A fresh, empty incremental state. */
    BackboneState newState();

    /**
     * Appends {@code input}'s rows to {@code state} (prefill with many rows, then steps of one) and returns
     * their hidden states {@code [rows, D]}. The new rows see every earlier row of the state and, among
     * themselves, follow {@code input.mask()}. The result equals the matching rows of a full-sequence
     * {@link #forward(BackboneInput)} over everything consumed so far, up to rounding.
     *
     * @throws IllegalArgumentException when the state was made by another backbone
     */
    float[] forward(BackboneState state, BackboneInput input);

    /**
     * Several independent sequences of different lengths (CFG's conditional and null passes, the NAR passes of
     * requests served together). Each result equals {@link #forward(BackboneInput)} on that input alone, bit
     * for bit: a sequence's hidden states must not depend on which others share its batch. The default runs
     * them one after the other; a backbone may batch them.
     */
    @Experimental("batched execution is not specialised by every backbone yet")
    default List<float[]> forward(List<BackboneInput> batch) {
        List<float[]> out = new ArrayList<>(batch.size());
        for (BackboneInput in : batch) {
            out.add(forward(in));
        }
        return out;
    }

    /**
     * One incremental pass over several independent sequences at once (continuous batching: the AR steps of
     * requests in flight share one read of the weights). {@code inputs.get(i)} is appended to
     * {@code states.get(i)}, exactly as {@link #forward(BackboneState, BackboneInput)} would, and each result
     * equals that call on its pair alone, bit for bit, whatever the other pairs are. The default runs the pairs
     * one after the other; a backbone that reads its weights once for all rows overrides it.
     *
     * @param states distinct states made by this backbone, one per sequence
     * @param inputs the rows to append to each state, same size and order as {@code states}
     * @return hidden states {@code [rows_i, D]} per sequence, owned by the caller
     * @throws IllegalArgumentException when the lists differ in size, a state appears twice or was made by
     *         another backbone
     */
    @Experimental("continuous batching's scheduler is its first user")
    default List<float[]> forward(List<BackboneState> states, List<BackboneInput> inputs) {
        if (states.size() != inputs.size()) {
            throw new IllegalArgumentException(states.size() + " states for " + inputs.size() + " inputs");
        }
        Set<BackboneState> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        distinct.addAll(states);
        if (distinct.size() != states.size()) {
            throw new IllegalArgumentException("a state appears twice in one batched pass");
        }
        List<float[]> out = new ArrayList<>(states.size());
        for (int i = 0; i < states.size(); i++) {
            out.add(forward(states.get(i), inputs.get(i)));
        }
        return out;
    }

    /** Releases what the backbone holds (not the weights, which belong to the model); idempotent. */
    @Override
    void close();
}

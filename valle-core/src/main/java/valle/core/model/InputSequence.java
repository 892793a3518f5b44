package valle.core.model;

import java.util.List;
import valle.api.arch.BackboneInput;
import valle.api.arch.MaskMode;

/**
 * An assembled model input: embeddings {@code [rows, D]}, a position id per row, the attention mode, the
 * segments in order, and the classifier head that reads the output segment.
 */
public record InputSequence(float[] embeddings, int rows, int[] positions, MaskMode mask, List<Segment> segments,
                            String head) {

    public InputSequence {
        segments = List.copyOf(segments);
    }

    /** Rows of the output segment (the last one): the rows whose logits the loops sample. */
    public int outputRows() {
        return segments.getLast().rows();
    }

    /**
     * The RVQ level this pass serves: the last number of the head's name ({@code AR:0:0} 0, {@code NAR:0:3} 3);
     * 0 for heads without one ({@code len}).
     */
    public int rvqLevel() {
        int colon = head.lastIndexOf(':');
        String tail = colon < 0 ? "" : head.substring(colon + 1);
        return tail.matches("\\d{1,4}") ? Integer.parseInt(tail) : 0;
    }

    public BackboneInput toBackboneInput() {
        return new BackboneInput(embeddings, rows, positions, mask);
    }
}

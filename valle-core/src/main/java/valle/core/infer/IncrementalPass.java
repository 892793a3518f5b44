package valle.core.infer;

import java.util.Arrays;
import valle.api.arch.BackboneState;
import valle.api.codec.Codes;
import valle.core.model.SequenceBuilder;
import valle.core.model.ValleModel;

/**
 * One AR sequence fed to the backbone incrementally: the first call prefills every row, later calls only the
 * response rows added since (embedded alone: {@link SequenceBuilder#arTail}). It keeps the hidden states of the
 * output rows (the {@code sep} before the response and every response row), which causal attention never
 * changes once computed.
 */
final class IncrementalPass implements AutoCloseable {
    private final ValleModel model;
    private final int[] text;
    private final int lang;
    private final Codes prompt;
    private final BackboneState state;
    private final int width;
    private float[] outputHidden = new float[0];
    private float[] outputLogits = new float[0];
    private String head;

    IncrementalPass(ValleModel model, int[] text, int lang, Codes prompt) {
        this(model, text, lang, prompt, model.backbone().newState());
    }

    private IncrementalPass(ValleModel model, int[] text, int lang, Codes prompt, BackboneState state) {
        this.model = model;
        this.text = text;
        this.lang = lang;
        this.prompt = prompt;
        this.state = state;
        this.width = model.layout().hiddenSize();
    }

    /** An independent copy that continues from here (a new beam). */
    IncrementalPass fork() {
        IncrementalPass copy = new IncrementalPass(model, text, lang, prompt, state.fork());
        copy.outputHidden = outputHidden.clone();
        copy.outputLogits = outputLogits.clone();
        copy.head = head;
        return copy;
    }

    /**
     * Feeds the rows of the sequence for {@code response} that were not fed yet.
     *
     * @return hidden states of the output rows {@code [response.length + 1, D]}
     */
    float[] advance(int[] response) {
        int from = state.length();
        SequenceBuilder.Tail tail = model.sequences().arTail(text, lang, prompt, response, from);
        head = tail.head();
        float[] hidden = model.backbone().forward(state, tail.input());
        int total = tail.totalRows();
        int outputStart = total - response.length - 1;
        int keepFrom = Math.max(outputStart, from);
        int old = outputHidden.length;
        outputHidden = Arrays.copyOf(outputHidden, (response.length + 1) * width);
        System.arraycopy(hidden, (keepFrom - from) * width, outputHidden, old, (total - keepFrom) * width);
        return outputHidden;
    }

    /**
     * Logits {@code [rows, classes]} of the last {@code rows} output rows. Causal rows never change once
     * computed, so the head runs only on rows it has not seen; earlier rows' logits come from the cache (a copy
     * is returned, the caller may modify it).
     */
    float[] logits(int rows) {
        int total = outputHidden.length / width;
        int classes = model.heads().classes(head);
        int known = outputLogits.length / classes;
        if (known < total) {
            float[] fresh = model.heads().logits(head, outputHidden, known, total - known);
            outputLogits = Arrays.copyOf(outputLogits, total * classes);
            System.arraycopy(fresh, 0, outputLogits, known * classes, fresh.length);
        }
        return Arrays.copyOfRange(outputLogits, (total - rows) * classes, total * classes);
    }

    @Override
    public void close() {
        state.close();
    }
}

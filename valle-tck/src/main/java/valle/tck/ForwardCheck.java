package valle.tck;

import java.util.ArrayList;
import java.util.List;
import valle.api.arch.MaskMode;
import valle.core.model.InputSequence;
import valle.core.model.Segment;
import valle.core.model.ValleModel;
import valle.core.sample.TokenPicker;

/**
 * One forward pass compared with the golden arrays of one prefix ({@code step0_}, {@code level3_}, ...):
 * input embeddings, position ids, final hidden states, logits of the last rows, greedy picks, and the
 * manifest's sequence length, segments, causality and greedy next token, each when the golden has it.
 */
final class ForwardCheck {
    private ForwardCheck() {
    }

    static void run(ValleModel model, InputSequence seq, GoldenFolder g, String p, Check check) {
        int d = model.layout().hiddenSize();
        int rows = seq.rows();
        g.array(p + "inputs_embeds").ifPresent(a -> check.floats(p + "inputs_embeds", a, seq.embeddings(), new int[] {rows, d}));
        g.array(p + "position_ids").ifPresent(a -> check.ints(p + "position_ids", a, seq.positions(), new int[] {rows}));
        g.value(p + "seq_len").ifPresent(v -> check.equal(p + "seq_len", ((Number) v).intValue(), rows));
        g.value(p + "segments").ifPresent(v -> check.equal(p + "segments", v, segments(seq)));
        g.value(p + "is_causal").ifPresent(v -> check.equal(p + "is_causal", v, List.of(seq.mask() == MaskMode.CAUSAL)));

        float[] hidden = model.hidden(seq);
        g.array(p + "last_hidden_state").ifPresent(a -> check.floats(p + "last_hidden_state", a, hidden, new int[] {rows, d}));

        int classes = model.heads().classes(seq.head());
        g.array(p + "logits").ifPresent(a -> {
            int k = a.shape().length == 2 ? a.shape()[0] : 1;
            if (k > rows) {
                check.fail(p + "logits: the golden has " + k + " rows, the sequence only " + rows);
                return;
            }
            float[] logits = model.logits(seq, hidden, k);
            check.floats(p + "logits", a, logits, a.shape().length == 2 ? new int[] {k, classes} : new int[] {classes});
        });
        g.array(p + "greedy").ifPresent(a -> {
            int k = a.size();
            check.ints(p + "greedy", a, argmaxRows(model.logits(seq, hidden, k), k, classes), new int[] {k});
        });
        g.value(p + "greedy_next_token").ifPresent(v -> check.equal(p + "greedy_next_token",
                ((Number) v).intValue(), argmaxRows(model.logits(seq, hidden, 1), 1, classes)[0]));
    }

    static int[] argmaxRows(float[] logits, int rows, int classes) {
        int[] out = new int[rows];
        for (int r = 0; r < rows; r++) {
            out[r] = TokenPicker.argmax(logits, r * classes, classes);
        }
        return out;
    }

    /** The segments as the golden manifests write them: {@code [["text", 10], ["lang", 1], ...]}. */
    private static List<Object> segments(InputSequence seq) {
        List<Object> out = new ArrayList<>();
        for (Segment s : seq.segments()) {
            out.add(List.of(s.name(), (long) s.rows()));
        }
        return out;
    }
}

package valle.core.infer;

import java.util.Arrays;
import valle.api.arch.BackboneInput;
import valle.api.arch.BackboneState;
import valle.core.model.InputSequence;
import valle.core.model.ModelLayout;
import valle.core.model.ValleModel;

/**
 * The AR loop for level 0 (§6.4): one token per step from the last row of the {@code AR:0:0} head until the
 * stop token or {@code maxDuration} steps. The reference re-runs the whole sequence every step; this loop
 * keeps the backbone's incremental state instead (the AR pass is causal and earlier rows' positions never
 * change, so the rows agree up to rounding).
 */
public final class ArLoop {
    private ArLoop() {
    }

    /**
     * @param sampled    every token sampled, in order, the stop token included if it came
     * @param codes      the level-0 codes: {@code sampled} cut at the first stop
     * @param lastLogits the logits of the last step's last row
     */
    public record Result(int[] sampled, int[] codes, float[] lastLogits, boolean stopped) {
    }

    public static Result run(ValleModel model, Prompted in, int maxDuration, Sampling sampling) {
        int stop = ModelLayout.AUDIO_TOKENS;
        int[] seq = new int[0];
        float[] logits = null;
        boolean stopped = false;
        int d = model.layout().hiddenSize();
        try (BackboneState state = model.backbone().newState()) {
            for (int step = 0; step < maxDuration && !stopped; step++) {
                InputSequence full = model.sequences().ar(in.text(), in.lang(), in.prompt(), seq);
                // the first step prefills everything; later steps feed only the newest response row
                int from = step == 0 ? 0 : full.rows() - 1;
                int rows = full.rows() - from;
                BackboneInput part = new BackboneInput(Arrays.copyOfRange(full.embeddings(), from * d, full.rows() * d),
                        rows, Arrays.copyOfRange(full.positions(), from, full.rows()), full.mask());
                float[] hidden = model.backbone().forward(state, part);
                logits = model.heads().logits(full.head(), hidden, rows - 1, 1);
                int token = sampling.pick(logits.clone(), 0, logits.length, seq);
                seq = Arrays.copyOf(seq, seq.length + 1);
                seq[seq.length - 1] = token;
                stopped = token == stop;
            }
        }
        int cut = stopped ? seq.length - 1 : seq.length;
        return new Result(seq, Arrays.copyOf(seq, cut), logits, stopped);
    }
}

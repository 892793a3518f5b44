package valle.core.infer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import valle.api.codec.Codes;
import valle.core.model.ModelLayout;
import valle.core.model.SequenceBuilder;
import valle.core.model.ValleModel;
import valle.core.sample.SamplingPipeline;
import valle.core.sample.TokenPicker;

/**
 * The AR loop for level 0 ({@code forward_ar}, §6.4): one token per step from the last row of the
 * {@code AR:0:0} head until the stop token or {@code max_duration} steps. The reference re-runs the whole
 * sequence every step; this loop feeds the backbone incrementally instead (the AR pass is causal and the
 * positions of earlier rows never change, so the rows agree up to rounding).
 *
 * <p>Optional starts: the prompt's level-0 codes ({@code input_prompt_prefix}: the prompt segment is then
 * empty and the prefix is cut from the output) or {@code prefix_silence} seconds of EnCodec silence (kept).
 * With CFG, a null pass (text {@code [1,2]}, no prompt) runs beside it and guidance covers the last
 * {@code len+1} rows, as the reference's rescale statistics do.
 */
public final class ArLoop {
    /** EnCodec's level-0 code of a silent frame ({@code get_silence}). */
    public static final int SILENCE_CODE = 62;
    private static final double FRAMES_PER_SECOND = 75;

    private ArLoop() {
    }

    /**
     * @param sampled    every token the loop sampled, in order, the stop token included if it came
     * @param codes      the level-0 codes: the sequence cut at the first stop, the prompt prefix removed
     * @param lastLogits the logits of the last step's last row, after guidance
     * @param sampledLogits per step, the last row's logits after guidance and every sampler stage
     */
    public record Result(int[] sampled, int[] codes, float[] lastLogits, List<float[]> sampledLogits,
                         boolean stopped) {
    }

    public static Result run(ValleModel model, Prompted in, InferenceSettings s, Sampling sampling) {
        int stop = ModelLayout.AUDIO_TOKENS;
        Codes prompt = in.prompt();
        int[] seq = new int[0];
        int stripped = 0;
        if (s.inputPromptPrefix() && prompt != null) {
            seq = prompt.level(0);
            stripped = seq.length;
            prompt = new Codes(0, prompt.levels(), new int[0]);
        } else if (s.prefixSilence() > 0) {
            seq = new int[(int) Math.floor(s.prefixSilence() * FRAMES_PER_SECOND)];
            Arrays.fill(seq, SILENCE_CODE);
        }
        int start = seq.length;
        boolean guided = s.arCfg().strength() > 0;
        float[] logits = null;
        List<float[]> sampledLogits = new ArrayList<>();
        int vocab = 0;
        boolean stopped = false;
        try (IncrementalPass cond = new IncrementalPass(model, in.text(), in.lang(), prompt);
             IncrementalPass none = guided ? new IncrementalPass(model, SequenceBuilder.NULL_TEXT, in.lang(), null) : null) {
            for (int step = 0; step < s.maxDuration() && !stopped; step++) {
                int rows = guided || s.refineOnStop() ? seq.length + 1 : 1;
                cond.advance(seq);
                logits = cond.logits(rows);
                if (guided) {
                    none.advance(seq);
                    logits = ClassifierFreeGuidance.apply(logits, none.logits(rows), s.arCfg().strength(),
                            s.arCfg().rescale());
                }
                vocab = logits.length / rows;
                float[] last = Arrays.copyOfRange(logits, (rows - 1) * vocab, rows * vocab);
                SamplingPipeline.Picks picks = sampling.pick(last.clone(), 1, vocab, seq, true, stop);
                int token = picks.tokens()[0];
                sampledLogits.add(picks.logits());
                if (s.refineOnStop() && token == stop) {
                    // refine_on_stop: re-derive the whole sequence greedily from the last pass's rows
                    int[] refined = new int[seq.length];
                    for (int r = 0; r < seq.length; r++) {
                        refined[r] = TokenPicker.argmax(logits, r * vocab, vocab);
                    }
                    seq = refined;
                }
                logits = last;
                seq = Arrays.copyOf(seq, seq.length + 1);
                seq[seq.length - 1] = token;
                stopped = token == stop;
            }
        }
        int[] sampled = Arrays.copyOfRange(seq, start, seq.length);
        int end = seq.length;
        for (int i = 0; i < seq.length; i++) {
            if (seq[i] == stop) {
                end = i;
                break;
            }
        }
        int[] codes = Arrays.copyOfRange(seq, Math.min(stripped, end), end);
        return new Result(sampled, codes, logits, List.copyOf(sampledLogits), stopped);
    }
}

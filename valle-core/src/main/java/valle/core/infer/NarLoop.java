package valle.core.infer;

import java.util.ArrayList;
import java.util.List;
import valle.api.codec.Codes;
import valle.core.model.InputSequence;
import valle.core.model.SequenceBuilder;
import valle.core.model.ValleModel;
import valle.core.sample.SamplingPipeline;
import valle.core.speech.InferenceSettings;

/**
 * The NAR levels ({@code forward_nar}, §6.5): for each level L = 1..max one pass over the codes of the levels
 * below, sampling the last T rows of head {@code NAR:L-1:L} (with the level below as the repetition history)
 * and appending them as column L. With CFG a null pass (text {@code [1,2]}, no prompt) runs per level.
 */
public final class NarLoop {
    private NarLoop() {
    }

    /**
     * @param level1Logits  the level-1 logits of the response rows {@code [T, 1024]} from the conditional pass,
     *                      before guidance (what the reference's forward returns; the same as after it without CFG)
     * @param sampledLogits per level 1.., the response rows' logits after guidance and every sampler stage (as the
     *                      pick saw them)
     */
    public record Result(Codes codes, float[] level1Logits, List<float[]> sampledLogits) {
    }

    /** @param maxLevels highest level to produce; 0 means every level of the model */
    public static Result run(ValleModel model, Prompted in, int[] level0, int maxLevels,
                             InferenceSettings.Cfg cfg, Sampling sampling) {
        int levels = model.layout().respLevels();
        int top = maxLevels <= 0 ? levels - 1 : Math.min(maxLevels, levels - 1);
        int frames = level0.length;
        if (frames == 0) {
            return new Result(new Codes(0, top + 1, new int[0]), new float[0], List.of());
        }
        Codes codes = new Codes(frames, 1, level0.clone());
        float[] level1Logits = null;
        List<float[]> sampledLogits = new ArrayList<>();
        for (int level = 1; level <= top; level++) {
            InputSequence seq = model.sequences().nar(in.text(), in.lang(), in.prompt(), codes, level);
            float[] conditional;
            float[] logits;
            if (cfg.strength() > 0) {
                InputSequence none = model.sequences().nar(SequenceBuilder.NULL_TEXT, in.lang(), null, codes, level);
                // one batched pass reads the weights once for both sequences
                List<float[]> hidden = model.hidden(List.of(seq, none));
                conditional = model.logits(seq, hidden.get(0), frames);
                logits = ClassifierFreeGuidance.apply(conditional, model.logits(none, hidden.get(1), frames),
                        cfg.strength(), cfg.rescale());
            } else {
                conditional = model.logits(seq, model.hidden(seq), frames);
                logits = conditional;
            }
            if (level == 1) {
                // a copy: the pick below edits the logits in place, and without guidance they are these
                level1Logits = conditional.clone();
            }
            int classes = logits.length / frames;
            SamplingPipeline.Picks picks = sampling.pick(logits, frames, classes, codes.level(level - 1), false, -1);
            int[] picked = picks.tokens();
            sampledLogits.add(picks.logits());
            int[] next = new int[frames * (level + 1)];
            for (int t = 0; t < frames; t++) {
                for (int l = 0; l < level; l++) {
                    next[t * (level + 1) + l] = codes.get(t, l);
                }
                next[t * (level + 1) + level] = picked[t];
            }
            codes = new Codes(frames, level + 1, next);
        }
        return new Result(codes, level1Logits, List.copyOf(sampledLogits));
    }
}

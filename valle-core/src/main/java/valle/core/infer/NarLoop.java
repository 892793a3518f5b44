package valle.core.infer;

import valle.api.codec.Codes;
import valle.core.model.InputSequence;
import valle.core.model.ValleModel;

/**
 * The NAR levels (§6.5): for each level L = 1..maxLevels one pass over the codes of the levels below,
 * sampling the last T rows of head {@code NAR:L-1:L} and appending them as column L.
 */
public final class NarLoop {
    private NarLoop() {
    }

    /** @param level1Logits the level-1 logits of the response rows {@code [T, 1024]} */
    public record Result(Codes codes, float[] level1Logits) {
    }

    /**
     * @param maxLevels highest level to produce; 0 means every level of the model
     */
    public static Result run(ValleModel model, Prompted in, int[] level0, int maxLevels, Sampling sampling) {
        int levels = model.layout().respLevels();
        int top = maxLevels <= 0 ? levels - 1 : Math.min(maxLevels, levels - 1);
        int frames = level0.length;
        Codes codes = new Codes(frames, 1, level0.clone());
        float[] level1Logits = null;
        for (int level = 1; level <= top; level++) {
            InputSequence seq = model.sequences().nar(in.text(), in.lang(), in.prompt(), codes, level);
            float[] logits = model.logits(seq, model.hidden(seq), frames);
            if (level == 1) {
                level1Logits = logits.clone();
            }
            int classes = logits.length / Math.max(1, frames);
            int[] previous = codes.level(level - 1);
            int[] next = new int[frames * (level + 1)];
            for (int t = 0; t < frames; t++) {
                for (int l = 0; l < level; l++) {
                    next[t * (level + 1) + l] = codes.get(t, l);
                }
                next[t * (level + 1) + level] = sampling.pick(logits, t * classes, classes, previous);
            }
            codes = new Codes(frames, level + 1, next);
        }
        return new Result(codes, level1Logits);
    }
}

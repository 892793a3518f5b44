package valle.core.infer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import valle.core.model.InputSequence;
import valle.core.model.ModelLayout;
import valle.core.model.SequenceBuilder;
import valle.core.model.ValleModel;
import valle.core.sample.GreedySampler;

/**
 * NAR-len demasking of level 0 ({@code forward_nar_masked}, §6.6): all T positions start masked (1024) with
 * score 1; at step k of S, with {@code t = k/(S-1)}, the {@code n = int(cos(tπ/2)·T + T/(2S))} (clamped to
 * 1..T) highest scores are re-masked, a conditional and a null (text {@code [1,2]}, no prompt) pass are
 * combined with classifier-free guidance, masked positions take the sampled ids, and their new scores are
 * {@code 1 - p(argmax)}; finalised positions score 0.
 */
public final class DemaskLoop {
    /** The reference forces at least this CFG strength, every step (§7.4 item 13). */
    public static final float MIN_CFG_STRENGTH = 2.5f;

    private DemaskLoop() {
    }

    /**
     * @param codes        the level-0 codes
     * @param stepInputs   the masked input of each step {@code [S][T]}
     * @param stepSampled  the ids sampled at each step for every position {@code [S][T]}
     * @param stepScores   the probability of the argmax at each step for every position {@code [S][T]}
     * @param step0Cond    conditional logits of the first step {@code [T, 1024]}
     * @param step0Null    null-condition logits of the first step {@code [T, 1024]}
     */
    public record Result(int[] codes, List<int[]> stepInputs, List<int[]> stepSampled, List<float[]> stepScores,
                         float[] step0Cond, float[] step0Null) {
    }

    /**
     * @param temperature the base temperature, annealed to {@code temperature · (1 - t)}
     */
    public static Result run(ValleModel model, Prompted in, int frames, int steps, float cfgStrength,
                             float cfgRescale, float temperature, Sampling sampling) {
        int mask = ModelLayout.AUDIO_TOKENS;
        int[] resp = new int[frames];
        Arrays.fill(resp, mask);
        float[] scores = new float[frames];
        Arrays.fill(scores, 1f);
        float strength = Math.max(cfgStrength, MIN_CFG_STRENGTH);
        List<int[]> inputs = new ArrayList<>();
        List<int[]> sampledTrace = new ArrayList<>();
        List<float[]> scoreTrace = new ArrayList<>();
        float[] step0Cond = null;
        float[] step0Null = null;
        for (int k = 0; k < steps; k++) {
            // torch.linspace in float32, and t·π·0.5 evaluated on a float32 tensor
            float t = steps == 1 ? 0f : (float) ((double) k / (steps - 1));
            double noise = Math.cos((t * (float) Math.PI) * 0.5f);
            double remask = 1.0 / (2.0 * steps);
            int n = Math.max(1, Math.min((int) (noise * frames + remask * frames), frames));
            for (int position : highestFirst(scores, n)) {
                resp[position] = mask;
            }
            boolean[] masked = new boolean[frames];
            for (int i = 0; i < frames; i++) {
                masked[i] = resp[i] == mask;
            }
            inputs.add(resp.clone());

            InputSequence cond = model.sequences().narLen(in.text(), in.lang(), in.prompt(), resp);
            InputSequence none = model.sequences().narLen(SequenceBuilder.NULL_TEXT, in.lang(), null, resp);
            float[] condLogits = model.logits(cond, model.hidden(cond), frames);
            float[] nullLogits = model.logits(none, model.hidden(none), frames);
            if (k == 0) {
                step0Cond = condLogits.clone();
                step0Null = nullLogits.clone();
            }
            float[] logits = Guidance.apply(condLogits, nullLogits, strength, cfgRescale);
            int classes = logits.length / frames;

            int[] sampled = new int[frames];
            float[] probability = new float[frames];
            Sampling step = sampling.withTemperature(temperature * (1 - t));
            for (int i = 0; i < frames; i++) {
                int off = i * classes;
                sampled[i] = step.pick(logits, off, classes, resp);
                int best = GreedySampler.argmax(logits, off, classes);
                probability[i] = probabilityOf(logits, off, classes, best);
            }
            sampledTrace.add(sampled);
            scoreTrace.add(probability);
            for (int i = 0; i < frames; i++) {
                if (masked[i]) {
                    resp[i] = sampled[i];
                    scores[i] = 1f - probability[i];
                } else {
                    scores[i] = 0f;
                }
            }
        }
        return new Result(resp, List.copyOf(inputs), List.copyOf(sampledTrace), List.copyOf(scoreTrace),
                step0Cond, step0Null);
    }

    /** Indices of the {@code n} highest scores, ties to the lower index. */
    private static int[] highestFirst(float[] scores, int n) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(scores[b], scores[a]));
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = order[i];
        }
        return out;
    }

    /** Softmax probability of class {@code index} of one row, computed max-subtracted in double. */
    private static float probabilityOf(float[] logits, int off, int n, int index) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, logits[off + i]);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += Math.exp(logits[off + i] - max);
        }
        return (float) (Math.exp(logits[off + index] - max) / sum);
    }
}

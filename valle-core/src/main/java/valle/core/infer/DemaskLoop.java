package valle.core.infer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import valle.api.sample.SamplerSettings;
import valle.core.model.InputSequence;
import valle.core.model.ModelLayout;
import valle.core.model.SequenceBuilder;
import valle.core.model.ValleModel;
import valle.core.sample.SamplingPipeline;
import valle.core.speech.InferenceSettings;
import valle.core.speech.Progress;

/**
 * NAR-len demasking of level 0 ({@code forward_nar_masked}, §6.6): all T positions start masked (1024) with
 * score 1; at each step, with t running over {@code linspace(denoise_start, 1, S)}, the
 * {@code n = int(cos(tπ/2)·T + T/(2S))} (clamped to 1..T) highest scores are re-masked, a conditional and a
 * null (text {@code [1,2]}, no prompt) pass are combined with classifier-free guidance of strength at least
 * 2.5, masked positions take the ids sampled at temperature {@code T·(1-t)}, and their new scores are
 * {@code 1 - p}, where p is the probability of the argmax from a second, greedy sampling call on the same
 * (already processed) logits, as the reference does; finalised positions score 0.
 */
public final class DemaskLoop {
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

    public static Result run(ValleModel model, Prompted in, int frames, InferenceSettings s, Sampling sampling) {
        return run(model, in, frames, s, sampling, null, Progress.NONE);
    }

    /**
     * @param context the rolling-context prefix of earlier lines, or {@code null}: its text is merged in and its
     *                level-0 codes precede the response in every pass; masks and scores cover the new part only
     * @param progress told of every step
     */
    public static Result run(ValleModel model, Prompted in, int frames, InferenceSettings s, Sampling sampling,
                             ContextPrefix context, Progress progress) {
        return run(model, in, frames, s, sampling, context, null, progress);
    }

    /**
     * @param conversion voice conversion ({@code vc_list}), or {@code null}: its source's length replaces
     *                   {@code frames}, which must then equal it
     */
    public static Result run(ValleModel model, Prompted in, int frames, InferenceSettings s, Sampling sampling,
                             ContextPrefix context, VoiceConversion conversion, Progress progress) {
        if (conversion != null && conversion.source().length != frames) {
            throw new IllegalArgumentException("voice conversion demasks the source's " + conversion.source().length
                    + " frames, not " + frames);
        }
        int mask = ModelLayout.AUDIO_TOKENS;
        int[] text = context == null ? in.text() : context.mergeText(in.text());
        int[] prefix = context == null ? new int[0] : context.level0();
        int[] resp = new int[frames];
        Arrays.fill(resp, mask);
        float[] scores = new float[frames];
        Arrays.fill(scores, 1f);
        float strength = Math.max(s.narLenCfg().strength(), s.minimumCfgStrength());
        int steps = (int) Math.floor(s.maxSteps() * ((double) s.denoiseEnd() - s.denoiseStart()));
        float[] timesteps = linspace(s.denoiseStart(), s.denoiseEnd(), steps);
        SamplerSettings base = s.narLen();
        List<int[]> inputs = new ArrayList<>();
        List<int[]> sampledTrace = new ArrayList<>();
        List<float[]> scoreTrace = new ArrayList<>();
        float[] step0Cond = null;
        float[] step0Null = null;
        for (int k = 0; k < steps; k++) {
            float t = timesteps[k];
            // t·π·0.5 is evaluated on a float32 tensor, the cosine in double
            double noise = Math.cos((t * (float) Math.PI) * 0.5f);
            double remask = s.remasking() ? 1.0 / (2.0 * steps) : 0;
            int n = Math.max(1, Math.min((int) (noise * frames + remask * frames), frames));
            // the reference's prev_list is the response before this step's re-masking (scatter is not in place)
            int[] previous = resp.clone();
            int[] positions = conversion == null ? highestFirst(scores, n) : conversion.order().positions(k, scores, n);
            boolean[] masked = new boolean[frames];
            if (conversion == null || t >= conversion.threshold()) {
                for (int position : positions) {
                    resp[position] = mask;
                }
                for (int i = 0; i < frames; i++) {
                    masked[i] = resp[i] == mask;
                }
            } else {
                // the j-th position takes the j-th frame of the half-masked source, and a position is re-predicted
                // when its code equals the half-masked source at that position (§2.3: not "was chosen")
                int[] half = halfMasked(conversion, sampling);
                for (int j = 0; j < positions.length; j++) {
                    resp[positions[j]] = half[j];
                }
                for (int i = 0; i < frames; i++) {
                    masked[i] = resp[i] == half[i];
                }
            }
            inputs.add(resp.clone());

            int[] input = concat(prefix, resp);
            InputSequence cond = model.sequences().narLen(text, in.lang(), in.prompt(), input);
            InputSequence none = model.sequences().narLen(SequenceBuilder.NULL_TEXT, in.lang(), null, input);
            // one batched pass reads the weights once for both sequences
            List<float[]> hidden = model.hidden(List.of(cond, none));
            float[] condLogits = model.logits(cond, hidden.get(0), frames);
            float[] nullLogits = model.logits(none, hidden.get(1), frames);
            if (k == 0) {
                step0Cond = condLogits.clone();
                step0Null = nullLogits.clone();
            }
            float[] logits = ClassifierFreeGuidance.apply(condLogits, nullLogits, strength, s.narLenCfg().rescale());
            int classes = logits.length / frames;

            // both calls work on the same array: the second sees the first one's in-place edits (§5.1)
            float temperature = s.annealedSampling() ? base.temperature() * (1 - t) : base.temperature();
            int[] sampled = sampling.with(base.withTemperature(temperature))
                    .pick(logits, frames, classes, previous, false, -1).tokens();
            SamplingPipeline.Picks greedy = sampling.with(base.withTemperature(0f))
                    .pick(logits, frames, classes, previous, false, -1);
            sampledTrace.add(sampled);
            scoreTrace.add(greedy.probabilities());
            progress.step(k + 1, steps);
            for (int i = 0; i < frames; i++) {
                if (masked[i]) {
                    resp[i] = sampled[i];
                    scores[i] = 1f - greedy.probabilities()[i];
                } else {
                    scores[i] = 0f;
                }
            }
        }
        return new Result(resp, List.copyOf(inputs), List.copyOf(sampledTrace), List.copyOf(scoreTrace),
                step0Cond, step0Null);
    }

    /** The source with a random {@code maskP} share and its last 75 frames set to the mask token. */
    private static int[] halfMasked(VoiceConversion conversion, Sampling sampling) {
        int[] half = conversion.source();
        for (int i = 0; i < half.length; i++) {
            // torch draws one uniform per frame; with a share of 0 no draw can fall below it, so none is taken
            if (conversion.maskP() > 0 && sampling.random().nextFloat() < conversion.maskP()) {
                half[i] = ModelLayout.AUDIO_TOKENS;
            }
        }
        for (int i = Math.max(0, half.length - VoiceConversion.MASKED_TAIL); i < half.length; i++) {
            half[i] = ModelLayout.AUDIO_TOKENS;
        }
        return half;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** {@code torch.linspace(from, to, n)} in float32. */
    private static float[] linspace(float from, float to, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = n == 1 ? from : (float) (from + (to - from) * ((double) i / (n - 1)));
        }
        return out;
    }

    /** Indices of the {@code n} highest scores, ties to the lower index. */
    static int[] highestFirst(float[] scores, int n) {
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
}

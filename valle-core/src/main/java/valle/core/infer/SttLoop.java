package valle.core.infer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import valle.api.arch.BackboneState;
import valle.api.codec.Codes;
import valle.core.model.SequenceBuilder;
import valle.core.model.ValleModel;
import valle.core.sample.SamplingPipeline;
import valle.core.sample.TokenPicker;
import valle.core.speech.InferenceSettings;
import valle.core.speech.Progress;

/**
 * The {@code stt} task ({@code forward_ar} with task {@code stt}, {@code docs/spec/remaining-features.md} §1.5):
 * starting from {@code <bos>}, one text id per step from the last row of the {@code stt} head, sampled with the AR
 * settings over the text so far, until the stop id 2 or {@code max_duration} steps. The reference re-runs the whole
 * sequence every step; the task is causal and the positions of earlier rows never change, so this loop feeds one
 * backbone state: the first step prefills speech, language, level and {@code <bos>}, each later step only its new id.
 *
 * <p>The settings with which the reference crashes are refused before any pass runs, with the reference's reason
 * ({@link #check}).
 */
public final class SttLoop {
    /** {@code <bos>}: the text segment starts with it. */
    public static final int BOS = 1;
    /** {@code </eos>}: the stop id ({@code text_stop_token}). */
    public static final int STOP = 2;

    private SttLoop() {
    }

    /**
     * One transcription's ids.
     *
     * @param sampled    every id sampled, in order, the stop id included if it came
     * @param textIds    the output: the sampled ids cut before the first stop ({@code <bos>} is not among them)
     * @param stepLogits the {@code stt} logits of the last row at every step, before sampling, {@code [steps][256]}
     * @param sampledLogits the same rows after every sampler stage (what the pick saw)
     * @param stopped    whether the stop id came before {@code max_duration} steps
     */
    public record Result(int[] sampled, int[] textIds, List<float[]> stepLogits, List<float[]> sampledLogits,
                         boolean stopped) {
    }

    /**
     * Refuses what the reference's STT path cannot run (pitfalls 1-3 of §1.5): it crashes on each of them, so there
     * is no behaviour to reproduce.
     *
     * @throws IllegalArgumentException naming the setting, why, and what to use instead
     */
    public static void check(InferenceSettings s) {
        if (s.beamWidth() > 1) {
            throw new IllegalArgumentException("beam_width " + s.beamWidth() + " is not supported for speech-to-text: "
                    + "the reference's beam search does not widen the speech and language lists and fails at its second "
                    + "step; use beam_width 0");
        }
        if (s.arCfg().strength() > 0) {
            throw new IllegalArgumentException("cfg_strength " + s.arCfg().strength() + " is not supported for "
                    + "speech-to-text: the reference builds the null pass as text-to-speech, whose 1025-class logits "
                    + "cannot guide the 256-class stt head; use cfg_strength 0");
        }
        if (s.ar().lengthPenalty() != 0f) {
            throw new IllegalArgumentException("length_penalty " + s.ar().lengthPenalty() + " is not supported for "
                    + "speech-to-text: the reference penalises the audio stop token 1024, which a 256-class stt row does "
                    + "not have; use length_penalty 0");
        }
    }

    public static Result run(ValleModel model, Codes speech, int lang, InferenceSettings s, Sampling sampling) {
        return run(model, speech, lang, s, sampling, Progress.NONE);
    }

    /**
     * Transcribes {@code speech}.
     *
     * @param speech   codes {@code [T, >= 2]}; the last level is never read
     * @param lang     the language id (the reference does not detect it)
     * @param s        read: the AR sampler settings, {@code max_duration}, {@code refine_on_stop}, and what
     *                 {@link #check} refuses
     * @param progress told of every step
     */
    public static Result run(ValleModel model, Codes speech, int lang, InferenceSettings s, Sampling sampling,
                             Progress progress) {
        check(s);
        if (lang < 0 || lang >= model.layout().langs()) {
            throw new IllegalArgumentException("language id " + lang + " is out of range: the model has "
                    + model.layout().langs() + " languages");
        }
        int[] seq = {BOS};
        List<float[]> stepLogits = new ArrayList<>();
        List<float[]> sampledLogits = new ArrayList<>();
        float[] outputHidden = new float[0];
        int width = model.layout().hiddenSize();
        // the first row kept for refine_on_stop: the sep before the text segment
        int keptStart = -1;
        boolean stopped = false;
        try (BackboneState state = model.backbone().newState()) {
            for (int step = 0; step < s.maxDuration() && !stopped; step++) {
                SequenceBuilder.Tail tail = model.sequences().sttTail(speech, lang, seq, state.length());
                float[] hidden = model.backbone().forward(state, tail.input());
                int fed = tail.input().rows();
                if (keptStart < 0) {
                    keptStart = tail.totalRows() - seq.length - 1;
                }
                // the hidden states of the sep and text rows, kept for refine_on_stop (causal: they never change)
                int keepFrom = Math.max(keptStart, tail.totalRows() - fed);
                int old = outputHidden.length;
                outputHidden = Arrays.copyOf(outputHidden, old + (tail.totalRows() - keepFrom) * width);
                System.arraycopy(hidden, (keepFrom - (tail.totalRows() - fed)) * width, outputHidden, old,
                        (tail.totalRows() - keepFrom) * width);
                float[] logits = model.heads().logits(tail.head(), hidden, fed - 1, 1);
                stepLogits.add(logits.clone());
                SamplingPipeline.Picks picks = sampling.pick(logits, 1, logits.length, seq, true, STOP);
                sampledLogits.add(picks.logits());
                int token = picks.tokens()[0];
                seq = Arrays.copyOf(seq, seq.length + 1);
                seq[seq.length - 1] = token;
                stopped = token == STOP;
                progress.step(step + 1, s.maxDuration());
            }
        }
        int[] sampled = Arrays.copyOfRange(seq, 1, seq.length);
        int end = sampled.length;
        for (int i = 0; i < sampled.length; i++) {
            if (sampled[i] == STOP) {
                end = i;
                break;
            }
        }
        int[] text = Arrays.copyOf(sampled, end);
        if (s.refineOnStop()) {
            text = refine(model, outputHidden, width, text.length);
        }
        return new Result(sampled, text, List.copyOf(stepLogits), List.copyOf(sampledLogits), stopped);
    }

    /**
     * {@code refine_on_stop} (pitfall 5): the {@code n} output ids re-derived greedily from the last pass's rows
     * {@code [-n-1, -1)}, the rows that predicted the last {@code n} ids sampled (after a stop: the output; at the
     * step limit: shifted by one, from the sep before {@code <bos>}, as in the reference).
     *
     * @param hidden the last pass's sep and text rows, {@code [n_text + 1, D]}
     */
    private static int[] refine(ValleModel model, float[] hidden, int width, int n) {
        if (n == 0) {
            return new int[0];
        }
        int rows = hidden.length / width;
        float[] logits = model.heads().logits("stt", hidden, rows - 1 - n, n);
        int classes = logits.length / n;
        int[] refined = new int[n];
        for (int i = 0; i < n; i++) {
            refined[i] = TokenPicker.argmax(logits, i * classes, classes);
        }
        return refined;
    }
}

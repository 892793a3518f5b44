package valle.core.infer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import valle.api.codec.Codes;
import valle.core.model.ModelLayout;
import valle.core.model.SequenceBuilder;
import valle.core.model.ValleModel;
import valle.core.sample.SamplingPipeline;
import valle.core.sample.TokenPicker;
import valle.core.speech.InferenceSettings;
import valle.core.speech.Progress;

/**
 * The AR loop for level 0 ({@code forward_ar}, §6.4): one token per step from the last row of the
 * {@code AR:0:0} head until the stop token or {@code max_duration} steps. The reference re-runs the whole
 * sequence every step; this loop feeds the backbone incrementally instead (the AR pass is causal and the
 * positions of earlier rows never change, so the rows agree up to rounding).
 *
 * <p>Optional starts: the prompt's level-0 codes ({@code input_prompt_prefix}: the prompt segment is then
 * empty and the prefix is cut from the output), {@code prefix_silence} seconds of EnCodec silence (kept), or
 * a rolling-context prefix (cut). With CFG, a null pass (text {@code [1,2]}, no prompt) runs beside it and
 * guidance covers the last {@code len+1} rows, as the reference's rescale statistics do.
 *
 * <p>Beam search is the reference's naive one (§5.2.11): the first step widens to {@code beam_width} items;
 * each step takes the top {@code beam_width} (item, token) pairs over all items' processed rows and gives
 * the i-th pair's token to item i, whatever item it came from; the result is item 0.
 */
public final class ArLoop {
    /** EnCodec's level-0 code of a silent frame ({@code get_silence}). */
    public static final int SILENCE_CODE = 62;
    private static final double FRAMES_PER_SECOND = 75;

    private ArLoop() {
    }

    /**
     * @param sampled       every token item 0 sampled, in order, the stop token included if it came
     * @param codes         the level-0 codes: the sequence cut at the first stop, prefixes removed
     * @param lastLogits    the logits of the last step's last row of item 0 from the conditional pass, before
     *                      guidance (what the reference's forward returns; the same as after it without CFG)
     * @param sampledLogits per step, item 0's last row after guidance and every sampler stage (as the pick saw it)
     */
    public record Result(int[] sampled, int[] codes, float[] lastLogits, List<float[]> sampledLogits,
                         boolean stopped) {
    }

    /** One sequence being decoded: its tokens and its conditional (and null) passes. */
    private static final class Item implements AutoCloseable {
        int[] seq;
        final IncrementalPass cond;
        final IncrementalPass none;
        boolean stopped;
        /** The last step's logits after guidance, every row of the pass. */
        float[] logits;
        /** The last step's conditional pass before guidance, every row (guidance writes a new array). */
        float[] conditional;
        int vocab;

        Item(int[] seq, IncrementalPass cond, IncrementalPass none) {
            this.seq = seq;
            this.cond = cond;
            this.none = none;
        }

        Item fork() {
            return opened(seq.clone(), cond.fork(), none == null ? null : none::fork);
        }

        /** An item of {@code cond} and the null pass {@code none} makes (or none); {@code cond} is closed if that fails. */
        static Item opened(int[] seq, IncrementalPass cond, Supplier<IncrementalPass> none) {
            try {
                return new Item(seq, cond, none == null ? null : none.get());
            } catch (RuntimeException | Error e) {
                cond.close();
                throw e;
            }
        }

        void append(int token) {
            seq = Arrays.copyOf(seq, seq.length + 1);
            seq[seq.length - 1] = token;
        }

        @Override
        public void close() {
            try {
                cond.close();
            } finally {
                if (none != null) {
                    none.close();
                }
            }
        }
    }

    /** Closes every item, even when one fails to (the first failure is thrown, the others added to it). */
    private static void closeAll(List<Item> items) {
        RuntimeException first = null;
        for (Item item : items) {
            try {
                item.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    public static Result run(ValleModel model, Prompted in, InferenceSettings s, Sampling sampling) {
        return run(model, in, s, sampling, null, Progress.NONE);
    }

    /**
     * @param context  the rolling-context prefix of earlier lines, or {@code null}
     * @param progress told of every step
     */
    public static Result run(ValleModel model, Prompted in, InferenceSettings s, Sampling sampling,
                             ContextPrefix context, Progress progress) {
        int stop = ModelLayout.AUDIO_TOKENS;
        Codes prompt = in.prompt();
        int[] text = in.text();
        int[] seq = new int[0];
        // the reference's start_slice (the prompt prefix) and, separately, the rolling-context prefix
        int startSlice = 0;
        if (s.inputPromptPrefix() && prompt != null) {
            seq = prompt.level(0);
            startSlice = seq.length;
            prompt = new Codes(0, prompt.levels(), new int[0]);
        } else if (s.prefixSilence() > 0) {
            seq = new int[(int) Math.floor(s.prefixSilence() * FRAMES_PER_SECOND)];
            Arrays.fill(seq, SILENCE_CODE);
        }
        int contextLength = 0;
        if (context != null) {
            // a context prefix replaces whatever start was chosen, as in forward_ar
            text = context.mergeText(text);
            seq = context.level0().clone();
            contextLength = seq.length;
        }
        int start = seq.length;
        boolean guided = s.arCfg().strength() > 0;
        int beamWidth = s.beamWidth() > 1 ? s.beamWidth() : 0;
        List<float[]> sampledLogits = new ArrayList<>();
        List<Item> items = new ArrayList<>();
        try {
            items.add(Item.opened(seq, new IncrementalPass(model, text, in.lang(), prompt),
                    guided ? () -> new IncrementalPass(model, SequenceBuilder.NULL_TEXT, in.lang(), null) : null));
            int vocab = 0;
            for (int step = 0; step < s.maxDuration() && !items.stream().allMatch(i -> i.stopped); step++) {
                List<float[]> processed = new ArrayList<>();
                int[] tokens = new int[items.size()];
                for (int b = 0; b < items.size(); b++) {
                    Item item = items.get(b);
                    int rows = guided || s.refineOnStop() ? item.seq.length + 1 : 1;
                    item.cond.advance(item.seq);
                    float[] conditional = item.cond.logits(rows);
                    float[] logits = conditional;
                    if (guided) {
                        item.none.advance(item.seq);
                        logits = ClassifierFreeGuidance.apply(conditional, item.none.logits(rows), s.arCfg().strength(),
                                s.arCfg().rescale());
                    }
                    vocab = logits.length / rows;
                    item.logits = logits;
                    item.conditional = conditional;
                    item.vocab = vocab;
                    float[] last = Arrays.copyOfRange(logits, (rows - 1) * vocab, rows * vocab);
                    if (beamWidth > 0) {
                        processed.add(sampling.process(last, 1, vocab, item.seq, true, stop));
                    } else {
                        SamplingPipeline.Picks picks = sampling.pick(last, 1, vocab, item.seq, true, stop);
                        processed.add(picks.logits());
                        tokens[b] = picks.tokens()[0];
                    }
                }
                sampledLogits.add(processed.getFirst());
                if (beamWidth > 0) {
                    tokens = beamCandidates(processed, vocab, beamWidth);
                    if (items.size() == 1) {
                        while (items.size() < beamWidth) {
                            items.add(items.getFirst().fork());
                        }
                    }
                }
                progress.step(step + 1, s.maxDuration());
                for (int b = 0; b < items.size(); b++) {
                    Item item = items.get(b);
                    item.append(tokens[b]);
                    item.stopped |= tokens[b] == stop;
                }
            }
        } finally {
            closeAll(items);
        }
        Item best = items.getFirst();
        // its last row, taken once, before refining reads the pass's logits
        float[] lastConditional = best.conditional == null ? null
                : Arrays.copyOfRange(best.conditional, best.conditional.length - best.vocab, best.conditional.length);
        int[] all = best.seq;
        int end = all.length;
        for (int i = 0; i < all.length; i++) {
            if (all[i] == stop) {
                end = i;
                break;
            }
        }
        int[] codes = Arrays.copyOfRange(all, Math.min(startSlice, end), end);
        if (s.refineOnStop() && best.logits != null) {
            codes = refine(best.logits, best.vocab, codes.length);
        }
        if (contextLength > 0) {
            codes = Arrays.copyOfRange(codes, Math.min(contextLength, codes.length), codes.length);
        }
        return new Result(Arrays.copyOfRange(all, start, all.length), codes, lastConditional, List.copyOf(sampledLogits),
                best.stopped);
    }

    /**
     * {@code refine_on_stop}: the output re-derived greedily from the last pass, the rows {@code [-n-1, -1)} of its
     * logits (after guidance), not pruned again.
     */
    private static int[] refine(float[] logits, int vocab, int n) {
        int rows = logits.length / vocab;
        int[] refined = new int[Math.min(n, rows - 1)];
        int first = rows - 1 - refined.length;
        for (int i = 0; i < refined.length; i++) {
            refined[i] = TokenPicker.argmax(logits, (first + i) * vocab, vocab);
        }
        return refined;
    }

    /**
     * {@code top_k_logits_list}: the {@code k} largest values over every item's row, as (item, token) pairs
     * in descending order (ties to the lower flat index); only the tokens are used, item i takes the i-th.
     */
    static int[] beamCandidates(List<float[]> rows, int vocab, int k) {
        int total = rows.size() * vocab;
        Integer[] order = new Integer[total];
        for (int i = 0; i < total; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -rows.get(i / vocab)[i % vocab])
                .thenComparingInt(i -> i));
        int[] tokens = new int[k];
        for (int i = 0; i < k; i++) {
            tokens[i] = order[i] % vocab;
        }
        return tokens;
    }
}

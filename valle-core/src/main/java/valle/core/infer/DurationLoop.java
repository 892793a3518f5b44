package valle.core.infer;

import java.util.ArrayList;
import java.util.List;
import valle.api.arch.BackboneState;
import valle.core.model.ModelLayout;
import valle.core.model.SequenceBuilder;
import valle.core.model.ValleModel;
import valle.core.sample.TokenPicker;
import valle.core.speech.InferenceSettings;

/**
 * The {@code len} task (§6.6): starting from the token 0, greedy digits from the last row of the {@code len}
 * head until the stop token 10, at most 10 steps; the digits form the frame count. The reference never
 * samples here, so neither does this loop.
 */
public final class DurationLoop {
    /** The {@code len} head's stop class. */
    public static final int STOP = 10;
    private static final int MAX_STEPS = 10;

    private DurationLoop() {
    }

    /**
     * The duration prediction.
     *
     * @param tokens     every token of the len sequence: the leading 0, the digits, and 10 if it stopped
     * @param stepLogits the last-row {@code len} logits of each step, {@code [steps][11]}
     */
    public record Result(int[] tokens, List<float[]> stepLogits) {
        /** The digits read as a number (the leading 0 and the stop ignored; no digits = 0). */
        public int frames() {
            long n = 0;
            for (int i = 1; i < tokens.length; i++) {
                if (tokens[i] != STOP) {
                    n = Math.min(Integer.MAX_VALUE, n * 10 + tokens[i]);
                }
            }
            return (int) n;
        }

        /**
         * {@code int(frames · duration_padding)} clamped to {@code [min_duration, max_duration]}: the length
         * NAR-len demasks.
         */
        public int paddedFrames(InferenceSettings s) {
            int padded = (int) (frames() * s.durationPadding());
            return Math.max(s.minDuration(), Math.min(padded, s.maxDuration()));
        }
    }

    /**
     * The duration of {@code in}. The task is causal (§3.5: {@code len} never takes a bidirectional mask), so the
     * sequence goes through one backbone state: the first step prefills text, prompt and the leading 0, every
     * later step feeds only its new digit.
     */
    public static Result predict(ValleModel model, Prompted in) {
        List<Integer> tokens = new ArrayList<>(List.of(0));
        List<float[]> stepLogits = new ArrayList<>();
        try (BackboneState state = model.backbone().newState()) {
            for (int step = 0; step < MAX_STEPS; step++) {
                int[] digits = tokens.stream().mapToInt(Integer::intValue).toArray();
                SequenceBuilder.Tail tail = model.sequences().lenTail(in.text(), in.lang(), in.prompt(), digits,
                        state.length());
                float[] hidden = model.backbone().forward(state, tail.input());
                float[] logits = model.heads().logits(tail.head(), hidden, tail.input().rows() - 1, 1);
                stepLogits.add(logits);
                int token = Math.min(TokenPicker.argmax(logits, 0, ModelLayout.LEN_CLASSES), STOP);
                tokens.add(token);
                if (token == STOP) {
                    break;
                }
            }
        }
        return new Result(tokens.stream().mapToInt(Integer::intValue).toArray(), List.copyOf(stepLogits));
    }
}

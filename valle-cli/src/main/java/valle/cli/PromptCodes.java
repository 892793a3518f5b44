package valle.cli;

import valle.api.codec.Codes;

/**
 * The reference's prompt length adjustment ({@code input_prompt_length}, §6.2): the prompt is repeated until
 * it reaches {@code int(75 · seconds)} frames, then its first that many frames are kept.
 */
final class PromptCodes {
    private static final double FRAMES_PER_SECOND = 75;

    private PromptCodes() {
    }

    static Codes adjust(Codes prompt, double seconds) {
        if (seconds <= 0 || prompt.frames() == 0) {
            return prompt;
        }
        int target = (int) (FRAMES_PER_SECOND * seconds);
        int levels = prompt.levels();
        int[] out = new int[target * levels];
        for (int t = 0; t < target; t++) {
            System.arraycopy(prompt.data(), (t % prompt.frames()) * levels, out, t * levels, levels);
        }
        return new Codes(target, levels, out);
    }
}

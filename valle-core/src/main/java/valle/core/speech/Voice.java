package valle.core.speech;

import java.util.Objects;
import valle.api.Stable;
import valle.api.codec.Codes;

/**
 * The voice to clone: the codes of a short recording of it (the reference's prompt, {@code [Tp, levels]}), or
 * {@link #NONE} for no prompt at all, which the reference allows (the model then picks a voice).
 *
 * @param name  what to call it in logs and timings (the file name it came from)
 * @param codes the prompt's codes, {@code null} only for {@link #NONE}
 */
@Stable(since = "0.1")
public record Voice(String name, Codes codes) {
    private static final double FRAMES_PER_SECOND = 75;

    /** No prompt: the sequence has no prompt segment. */
    public static final Voice NONE = new Voice("none", null);

    public Voice {
        Objects.requireNonNull(name, "name");
        if (codes == null && !"none".equals(name)) {
            throw new IllegalArgumentException("voice '" + name + "' has no codes; use Voice.NONE for no prompt");
        }
        if (codes != null && codes.frames() == 0) {
            throw new IllegalArgumentException("voice '" + name + "' has no frames: the recording is too short");
        }
    }

    /** A voice from prompt codes {@code [Tp, levels]}. */
    public static Voice of(String name, Codes codes) {
        return new Voice(name, Objects.requireNonNull(codes, "codes"));
    }

    /** Whether this voice has a prompt. */
    public boolean hasPrompt() {
        return codes != null;
    }

    /**
     * The reference's {@code input_prompt_length} (§6.2): the prompt repeated until it has {@code int(75 · seconds)}
     * frames, then cut to that many. {@code seconds <= 0} keeps it as it is.
     */
    public Voice repeatedTo(double seconds) {
        if (seconds <= 0 || codes == null) {
            return this;
        }
        int target = (int) (FRAMES_PER_SECOND * seconds);
        if (target == 0) {
            throw new IllegalArgumentException("input_prompt_length " + seconds + " s is shorter than one frame (1/75 s)");
        }
        int levels = codes.levels();
        int[] out = new int[target * levels];
        for (int t = 0; t < target; t++) {
            System.arraycopy(codes.data(), (t % codes.frames()) * levels, out, t * levels, levels);
        }
        return new Voice(name, new Codes(target, levels, out));
    }

    /** Several recordings of one voice joined in order, as the reference joins {@code "a.wav;b.wav"}. */
    public static Voice joined(String name, java.util.List<Voice> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("no recordings to join");
        }
        int levels = parts.getFirst().codes().levels();
        int frames = 0;
        for (Voice v : parts) {
            if (!v.hasPrompt() || v.codes().levels() != levels) {
                throw new IllegalArgumentException("voice parts must all have codes of " + levels + " levels; '"
                        + v.name() + "' does not");
            }
            frames += v.codes().frames();
        }
        int[] data = new int[frames * levels];
        int at = 0;
        for (Voice v : parts) {
            System.arraycopy(v.codes().data(), 0, data, at, v.codes().data().length);
            at += v.codes().data().length;
        }
        return new Voice(name, new Codes(frames, levels, data));
    }
}

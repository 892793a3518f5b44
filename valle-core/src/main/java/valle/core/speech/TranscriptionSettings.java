package valle.core.speech;

import java.util.Map;
import valle.api.Stable;

/** The speech-to-text defaults and limits every front end (facade, CLI, server) shares. */
@Stable(since = "0.1")
public final class TranscriptionSettings {
    /**
     * The longest speech taken: two minutes. The reference has no limit, but its model tends to transcribe the first
     * sentence only, and every step attends over all frames.
     */
    public static final int MAX_SECONDS = 120;
    /** EnCodec frames per second of speech. */
    public static final double FRAMES_PER_SECOND = 75;
    /** The web UI's step budget: "assume 20 tokens per second" of speech ({@code webui.py:368-373}). */
    private static final double TOKENS_PER_SECOND = 20;

    private TranscriptionSettings() {
    }

    /** The web UI's step budget for {@code frames} frames of speech: {@code floor(seconds · 20)}, at least 1. */
    public static int webUiSteps(int frames) {
        return Math.max(1, (int) Math.floor(frames / FRAMES_PER_SECOND * TOKENS_PER_SECOND));
    }

    /**
     * The web UI's Speech-to-Text settings for {@code frames} frames of speech: greedy, no penalties, at most
     * {@link #webUiSteps} ids.
     */
    public static InferenceSettings webUi(int frames) {
        return InferenceSettings.fromKwargs(Map.of("ar_temperature", 0.0, "top_k", 0, "max_duration", webUiSteps(frames)));
    }
}

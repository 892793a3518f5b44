package valle.core.infer;

import java.util.Map;
import java.util.SplittableRandom;
import valle.api.codec.Codes;
import valle.core.model.ValleModel;
import valle.core.sample.SamplingPipeline;
import valle.core.speech.InferenceSettings;
import valle.core.speech.Progress;
import valle.core.speech.SttDecoding;
import valle.core.speech.Transcription;
import valle.core.text.PhonemeDecoder;

/**
 * What the reference's {@code TTS.inference(task="stt")} does between speech codes and text: the {@link SttLoop}
 * over the codes, then the decode of its ids. Thread-safe: every request has its own random source from its seed.
 */
public final class Transcriber {
    /** The web UI's step budget: "assume 20 tokens per second" of speech ({@code webui.py:368-373}). */
    private static final double TOKENS_PER_SECOND = 20;
    private static final double FRAMES_PER_SECOND = 75;
    /**
     * The longest speech taken: two minutes. The reference has no limit, but its model tends to transcribe the first
     * sentence only, and every step attends over all frames.
     */
    public static final int MAX_SECONDS = 120;

    private final ValleModel model;
    private final SamplingPipeline pipeline;
    private final PhonemeDecoder decoder;

    public Transcriber(ValleModel model, SamplingPipeline pipeline, PhonemeDecoder decoder) {
        this.model = model;
        this.pipeline = pipeline;
        this.decoder = decoder;
    }

    /**
     * The web UI's Speech-to-Text settings for {@code frames} frames of speech: greedy, no penalties, and at most
     * {@code floor(seconds · 20)} ids (at least 1).
     */
    public static InferenceSettings webUiDefaults(int frames) {
        int steps = Math.max(1, (int) Math.floor(frames / FRAMES_PER_SECOND * TOKENS_PER_SECOND));
        return InferenceSettings.fromKwargs(Map.of("ar_temperature", 0.0, "top_k", 0, "max_duration", steps));
    }

    /**
     * Transcribes {@code speech}.
     *
     * @param speech codes {@code [T, 8]} (at least 2 levels; at least one frame)
     * @param lang   the language id; the reference does not detect it
     * @throws IllegalArgumentException for empty speech, speech longer than {@link #MAX_SECONDS}, a language the model
     *                                  lacks, or settings the reference cannot run for speech-to-text ({@link SttLoop#check})
     */
    public Transcription transcribe(Codes speech, int lang, InferenceSettings settings, Progress progress) {
        if (speech.frames() == 0) {
            throw new IllegalArgumentException("the speech holds no frames to transcribe");
        }
        if (speech.frames() > MAX_SECONDS * FRAMES_PER_SECOND) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "the speech is %.1f s long; speech-to-text takes at most %d s: cut the recording into parts",
                    speech.frames() / FRAMES_PER_SECOND, MAX_SECONDS));
        }
        pipeline.checkOptions(settings.ar());
        SttLoop.Result r = SttLoop.run(model, speech, lang, settings,
                new Sampling(pipeline, settings.ar(), new SplittableRandom(settings.seed())), progress);
        int[] ids = r.textIds();
        return new Transcription(ids, decoder.decode(ids, SttDecoding.REFERENCE), decoder.decode(ids, SttDecoding.JOINED),
                r.stopped(), speech.frames());
    }
}

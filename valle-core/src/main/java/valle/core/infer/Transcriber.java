package valle.core.infer;

import java.util.SplittableRandom;
import valle.api.codec.Codes;
import valle.core.model.ValleModel;
import valle.core.sample.SamplingPipeline;
import valle.core.speech.InferenceSettings;
import valle.core.speech.Progress;
import valle.core.speech.SttDecoding;
import valle.core.speech.Transcription;
import valle.core.speech.TranscriptionSettings;
import valle.core.text.PhonemeDecoder;

/**
 * What the reference's {@code TTS.inference(task="stt")} does between speech codes and text: the {@link SttLoop}
 * over the codes, then the decode of its ids. Thread-safe: every request has its own random source from its seed.
 */
public final class Transcriber {
    private final ValleModel model;
    private final SamplingPipeline pipeline;
    private final PhonemeDecoder decoder;

    public Transcriber(ValleModel model, SamplingPipeline pipeline, PhonemeDecoder decoder) {
        this.model = model;
        this.pipeline = pipeline;
        this.decoder = decoder;
    }

    /** The same transcriber over {@code view} of its model (a scheduler slot's batching view). */
    public Transcriber through(ValleModel view) {
        return new Transcriber(view, pipeline, decoder);
    }

    /**
     * Transcribes {@code speech}.
     *
     * @param speech codes {@code [T, 8]} (at least 2 levels; at least one frame)
     * @param lang   the language id; the reference does not detect it
     * @throws IllegalArgumentException for empty speech, speech longer than {@link TranscriptionSettings#MAX_SECONDS},
     *                                  a language the model lacks, or settings the reference cannot run for speech-to-text ({@link SttLoop#check})
     */
    public Transcription transcribe(Codes speech, int lang, InferenceSettings settings, Progress progress) {
        if (speech.frames() == 0) {
            throw new IllegalArgumentException("the speech holds no frames to transcribe");
        }
        double seconds = speech.frames() / TranscriptionSettings.FRAMES_PER_SECOND;
        if (seconds > TranscriptionSettings.MAX_SECONDS) {
            throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                    "the speech is %.1f s long; speech-to-text takes at most %d s: cut the recording into parts",
                    seconds, TranscriptionSettings.MAX_SECONDS));
        }
        pipeline.checkOptions(settings.ar());
        SttLoop.Result r = SttLoop.run(model, speech, lang, settings,
                new Sampling(pipeline, settings.ar(), new SplittableRandom(settings.seed())), progress);
        int[] ids = r.textIds();
        return new Transcription(ids, decoder.decode(ids, SttDecoding.REFERENCE), decoder.decode(ids, SttDecoding.JOINED),
                r.stopped(), speech.frames());
    }
}

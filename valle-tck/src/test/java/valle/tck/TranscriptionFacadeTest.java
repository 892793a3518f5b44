package valle.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import valle.api.codec.Codes;
import valle.core.Valle;
import valle.core.load.NpyArray;
import valle.core.speech.InferenceSettings;
import valle.core.speech.SttDecoding;
import valle.core.speech.Transcription;

/** {@link Valle#transcribe} on the bundled stt golden model: the facade gives the golden's ids and text. */
class TranscriptionFacadeTest {
    private static final Path CASE = BundledGoldensTest.GOLDEN.resolve("stt/ar_nar_len/stt_inference");
    private static Valle valle;

    @BeforeAll
    static void load() {
        valle = Valle.builder().model(BundledGoldensTest.GOLDEN.resolve("stt/ar_nar_len/model.sft")).build();
    }

    @AfterAll
    static void close() {
        valle.close();
    }

    private static Codes speech() {
        NpyArray a = NpyArray.read(CASE.resolve("input_codes.npy"));
        return new Codes(a.shape()[0], a.shape()[1], a.ints());
    }

    private static InferenceSettings greedy(Map<String, Object> more) {
        Map<String, Object> kw = new java.util.HashMap<>(Map.of("ar_temperature", 0.0, "top_k", 0, "max_duration", 20));
        kw.putAll(more);
        return InferenceSettings.fromKwargs(kw);
    }

    @Test
    void greedyTranscriptionMatchesTheGolden() {
        Transcription t = valle.transcribe(speech(), "en", greedy(Map.of()));
        assertArrayEquals(NpyArray.read(CASE.resolve("text_ids.npy")).ints(), t.ids());
        assertEquals("θɪnðəˈɪɹˋliəɡɹwʌzˈoʊn", t.text(SttDecoding.REFERENCE));
        // no space or Latin-1 token among these ids: both modes agree
        assertEquals(t.reference(), t.readable());
        assertTrue(t.stopped());
        assertEquals(13, t.frames());
    }

    @Test
    void theCodesFileGoesThroughTheFacadeWithTheWebUiBudget() {
        // 13 frames are 0.17 s: the web UI's 20 ids per second allow 3 steps
        Transcription t = valle.transcribe(CASE.resolve("input_codes.npy"), "en");
        assertArrayEquals(new int[] {77, 227, 166}, t.ids());
        assertFalse(t.stopped());
    }

    @Test
    void settingsTheReferenceCannotRunAreRefusedWithItsReason() {
        IllegalArgumentException beam = assertThrows(IllegalArgumentException.class,
                () -> valle.transcribe(speech(), "en", greedy(Map.of("beam_width", 2))));
        assertTrue(beam.getMessage().startsWith("beam_width 2 is not supported for speech-to-text"), beam.getMessage());
        IllegalArgumentException cfg = assertThrows(IllegalArgumentException.class,
                () -> valle.transcribe(speech(), "en", greedy(Map.of("cfg_strength", 1.5))));
        assertTrue(cfg.getMessage().contains("1025-class logits"), cfg.getMessage());
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> valle.transcribe(speech(), "en", greedy(Map.of("length_penalty", 0.5))));
        assertTrue(length.getMessage().contains("stop token 1024"), length.getMessage());
    }

    @Test
    void unknownLanguageAndEmptySpeechAreRefused() {
        IllegalArgumentException lang = assertThrows(IllegalArgumentException.class,
                () -> valle.transcribe(speech(), "xx", greedy(Map.of())));
        assertEquals("unknown language 'xx': use one of en, ja, de, fr, zh, ko", lang.getMessage());
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> valle.transcribe(new Codes(0, 8, new int[0]), "en", greedy(Map.of())));
        assertEquals("the speech holds no frames to transcribe", empty.getMessage());
    }

    @Test
    void sampledTranscriptionIsRepeatableForOneSeed() {
        InferenceSettings sampled = greedy(Map.of("ar_temperature", 1.0, "seed", 5));
        assertArrayEquals(valle.transcribe(speech(), "en", sampled).ids(), valle.transcribe(speech(), "en", sampled).ids());
    }

    @Test
    void refineOnStopKeepsTheGreedyOutputWhenTheLoopStopped() {
        // greedy and stopped: the rows that predicted the output give the same argmax
        Transcription refined = valle.transcribe(speech(), "en", greedy(Map.of("refine_on_stop", true)));
        assertArrayEquals(NpyArray.read(CASE.resolve("text_ids.npy")).ints(), refined.ids());
    }
}

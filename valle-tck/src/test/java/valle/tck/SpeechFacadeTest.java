package valle.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import valle.api.codec.Codes;
import valle.core.Valle;
import valle.core.audio.PcmAudio;
import valle.core.audio.WavFile;
import valle.core.load.NpyArray;
import valle.core.speech.InferenceSettings;
import valle.core.speech.Speech;
import valle.core.speech.SpeechChunk;
import valle.core.speech.SpeechListener;
import valle.core.speech.SpeechRequest;
import valle.core.speech.SpeechTask;
import valle.core.speech.Voice;

/**
 * The facade end to end on the tiny golden model and codecs: phonemes and a voice recording in, audio out,
 * in one call, sentence by sentence, and as a publisher. Phoneme input keeps these tests free of espeak-ng.
 */
class SpeechFacadeTest {
    private static final Path CODEC = Path.of("golden/codec");
    private static final Path PROMPT_WAV = CODEC.resolve("golden/prompt_16k_stereo/prompt_16k_stereo.wav");
    private static final String LINES = "həlˈoʊ wˈɜːld.\nhˈaʊ ɑːɹ juː?";
    private static Valle tts;

    @BeforeAll
    static void load() {
        tts = Valle.builder().model(Path.of("golden/ar_nar_len"))
                .codec(CODEC.resolve("weights/encodec_hf"))
                .vocoder(CODEC.resolve("weights/vocos"))
                .build();
    }

    @AfterAll
    static void close() {
        tts.close();
    }

    private static SpeechRequest request(long seed) {
        return SpeechRequest.ofPhonemes(LINES, tts.voice(PROMPT_WAV))
                .withSettings(InferenceSettings.fromKwargs(Map.of("ar_temperature", 0.7, "max_duration", 60, "seed", seed)));
    }

    @Test
    void nsAndSrSpeakAsPlainTtsAndVcAsksForItsSource() {
        Speech plain = tts.speak(request(5), SpeechListener.NONE);
        for (SpeechTask task : List.of(SpeechTask.TTS, SpeechTask.NS, SpeechTask.SR)) {
            Speech speech = tts.speak(task, request(5), SpeechListener.NONE);
            assertArrayEquals(plain.codes().data(), speech.codes().data(), task.label());
            assertArrayEquals(plain.samples(), speech.samples(), task.label());
        }
        assertTrue(SpeechTask.NS.note().orElseThrow().contains("runs plain text-to-speech"));
        assertTrue(SpeechTask.TTS.note().isEmpty());
        IllegalArgumentException vc = assertThrows(IllegalArgumentException.class,
                () -> tts.speak(SpeechTask.VC, request(5), SpeechListener.NONE));
        assertTrue(vc.getMessage().contains("use convert("), vc.getMessage());
        assertEquals(SpeechTask.SR, SpeechTask.parse(" SR "));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> SpeechTask.parse("nr"));
        assertEquals("unknown task 'nr': use tts, ns, sr, vc", unknown.getMessage());
    }

    @Test
    void aVoiceRecordingIsEncodedAsTheEncodeCommandEncodesIt() {
        Voice voice = tts.voice(PROMPT_WAV);
        NpyArray golden = NpyArray.read(CODEC.resolve("golden/prompt_16k_stereo/codes.npy"));
        assertArrayEquals(golden.shape(), new int[] {voice.codes().frames(), voice.codes().levels()});
        assertArrayEquals(golden.ints(), voice.codes().data());
        assertEquals(voice.codes().frames() * 2, voice.repeatedTo(voice.codes().frames() * 2 / 75.0).codes().frames());
    }

    @Test
    void speechIsEachLineDecodedOnItsOwnAndJoined() {
        Speech speech = tts.speak(request(11));
        assertEquals(2, speech.sentences().size());
        assertEquals(24000, speech.sampleRate());
        Codes codes = speech.codes();
        assertEquals(320 * codes.frames(), speech.samples().length);
        // the codes are those of the code-only path with the same seed
        assertArrayEquals(tts.generate(request(11), SpeechListener.NONE).data(), codes.data());
        // each sentence's audio is the vocoder's output for its codes alone
        float[] joined = speech.samples();
        int at = 0;
        for (SpeechChunk c : speech.sentences()) {
            float[] alone = tts.vocoder().orElseThrow().decode(c.codes());
            assertArrayEquals(alone, java.util.Arrays.copyOfRange(joined, at, at + alone.length));
            at += alone.length;
        }
        PcmAudio wav = WavFile.parse(speech.wav(), "speech");
        assertEquals(24000, wav.sampleRate());
        assertArrayEquals(joined, wav.channels()[0]);
    }

    @Test
    void aBuilderWithOneThreadSpeaksAsTheDefaultOneAndNoThreadsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Valle.builder().threads(0));
        assertTrue(e.getMessage().contains("threads(n)") && e.getMessage().contains("got 0"), e.getMessage());
        try (Valle one = Valle.builder().threads(1).model(Path.of("golden/ar_nar_len"))
                .codec(CODEC.resolve("weights/encodec_hf"))
                .vocoder(CODEC.resolve("weights/vocos"))
                .build()) {
            // the count reached the pools made while loading (flash's description names its pool's size)
            assertTrue(one.plugins().attentionKernels().get("flash").description().contains(" 1 thread(s)"),
                    one.plugins().attentionKernels().get("flash").description());
            Speech speech = one.speak(request(11).withVoice(one.voice(PROMPT_WAV)));
            Speech reference = tts.speak(request(11));
            assertArrayEquals(reference.codes().data(), speech.codes().data());
            assertArrayEquals(reference.samples(), speech.samples());
        }
        try (Valle three = Valle.builder().threads(3).build()) {
            assertTrue(three.plugins().attentionKernels().get("flash").description().contains(" 3 thread(s)"),
                    three.plugins().attentionKernels().get("flash").description());
        }
    }

    @Test
    void aListenerHearsEachSentenceBeforeTheNextStarts() {
        List<String> events = new ArrayList<>();
        Speech speech = tts.speak(request(3), new SpeechListener() {
            @Override
            public void sentenceStarted(int index, int count, String text) {
                events.add("start " + index + "/" + count);
            }

            @Override
            public void sentence(SpeechChunk chunk) {
                events.add("done " + chunk.index() + " " + chunk.codes().frames());
            }
        });
        assertEquals(List.of("start 0/2", "done 0 " + speech.sentences().get(0).codes().frames(),
                "start 1/2", "done 1 " + speech.sentences().get(1).codes().frames()), events);
    }

    @Test
    void thePublisherDeliversTheSameSentencesOnDemand() throws Exception {
        Speech direct = tts.speak(request(5));
        List<SpeechChunk> got = new ArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        tts.stream(request(5)).subscribe(new Flow.Subscriber<>() {
            private Flow.Subscription subscription;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                s.request(1);
            }

            @Override
            public void onNext(SpeechChunk item) {
                got.add(item);
                subscription.request(1);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        done.get(60, TimeUnit.SECONDS);
        assertEquals(direct.sentences().size(), got.size());
        for (int i = 0; i < got.size(); i++) {
            assertArrayEquals(direct.sentences().get(i).codes().data(), got.get(i).codes().data());
            assertArrayEquals(direct.sentences().get(i).samples(), got.get(i).samples());
        }
    }

    @Test
    void aCancelledStreamStopsAndABadRequestReachesOnError() throws Exception {
        CountDownLatch first = new CountDownLatch(1);
        List<SpeechChunk> got = new ArrayList<>();
        tts.stream(request(7)).subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(1);
            }

            @Override
            public void onNext(SpeechChunk item) {
                got.add(item);
                first.countDown();
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onComplete() {
            }
        });
        assertTrue(first.await(60, TimeUnit.SECONDS));
        Thread.sleep(200);
        assertEquals(1, got.size(), "no second sentence without demand");

        CompletableFuture<Throwable> error = new CompletableFuture<>();
        tts.stream(SpeechRequest.ofPhonemes("həlˈoʊ.", Voice.NONE).withLanguage("xx")).subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(SpeechChunk item) {
            }

            @Override
            public void onError(Throwable t) {
                error.complete(t);
            }

            @Override
            public void onComplete() {
                error.complete(null);
            }
        });
        Throwable t = error.get(60, TimeUnit.SECONDS);
        assertNotNull(t);
        assertInstanceOf(IllegalArgumentException.class, t);
        assertTrue(t.getMessage().contains("unknown language 'xx'"), t.getMessage());
    }

    @Test
    void missingPartsAreNamed() {
        try (Valle codesOnly = Valle.builder().model(Path.of("golden/ar_nar_len/model.sft")).build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> codesOnly.speak("hello", Voice.NONE));
            assertTrue(e.getMessage().contains("needs a vocoder"), e.getMessage());
            e = assertThrows(IllegalStateException.class, () -> codesOnly.voice(PROMPT_WAV));
            assertTrue(e.getMessage().contains("needs a codec"), e.getMessage());
        }
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> tts.speak(SpeechRequest.ofPhonemes(" \n ", Voice.NONE)));
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
    }
}

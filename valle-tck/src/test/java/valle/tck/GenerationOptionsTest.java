package valle.tck;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import valle.api.codec.Codes;
import valle.core.Valle;
import valle.core.infer.ArLoop;
import valle.core.infer.CodeRequest;
import valle.core.infer.ContextPrefix;
import valle.core.infer.NarLoop;
import valle.core.infer.Prompted;
import valle.core.infer.Sampling;
import valle.core.model.Segment;
import valle.core.sample.SamplingPipeline;
import valle.core.sample.TokenPicker;
import valle.core.speech.InferenceSettings;
import valle.core.speech.Progress;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;


/** The AR starts, beam search, rolling context, seeds and concurrency, on the bundled ar_nar model. */
class GenerationOptionsTest {
    private static final Path VARIANT = Path.of("golden/ar_nar");
    private static Valle valle;
    private static VariantInputs in;
    private static SamplingPipeline pipeline;

    @BeforeAll
    static void load() {
        valle = Valle.builder().model(VARIANT.resolve("model.sft")).build();
        in = VariantInputs.read(new GoldenFolder(VARIANT.resolve("inputs")));
        pipeline = new SamplingPipeline(valle.plugins().samplers().all());
    }

    @AfterAll
    static void close() {
        valle.close();
    }

    private static InferenceSettings settings(Object... kv) {
        Map<String, Object> m = new HashMap<>(Map.of("ar_temperature", 0.0, "nar_temperature", 0.0, "top_no", 0.0,
                "max_duration", 30));
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return InferenceSettings.fromKwargs(m);
    }

    private static ArLoop.Result ar(InferenceSettings s) {
        return ArLoop.run(valle.model(), in.prompted(), s, new Sampling(pipeline, s.ar(), new SplittableRandom(s.seed())));
    }

    @Test
    void prefixSilenceStartsTheOutputWithSilentFrames() {
        ArLoop.Result r = ar(settings("prefix_silence", 0.1));
        assertTrue(r.codes().length >= 7);
        for (int i = 0; i < 7; i++) {
            assertEquals(ArLoop.SILENCE_CODE, r.codes()[i]);
        }
    }

    @Test
    void inputPromptPrefixFeedsThePromptAsResponseAndCutsItFromTheOutput() {
        ArLoop.Result r = ar(settings("input_prompt_prefix", true));
        // the first step sees an empty prompt segment and the prompt's level 0 as the response so far
        int[] prefix = in.prompt().level(0);
        Codes empty = new Codes(0, in.prompt().levels(), new int[0]);
        var seq = valle.model().sequences().ar(in.text(), in.lang(), empty, prefix);
        float[] logits = valle.model().logits(seq, valle.model().hidden(seq), 1);
        assertEquals(TokenPicker.argmax(logits, 0, logits.length), r.sampled()[0]);
        assertEquals(seq.segments().get(3), new Segment("prom", 0));
        int stop = r.stopped() ? 1 : 0;
        assertEquals(r.sampled().length - stop, r.codes().length);
        assertArrayEquals(java.util.Arrays.copyOf(r.sampled(), r.codes().length), r.codes());
    }

    @Test
    void refineOnStopReproducesAGreedyRunFromItsLastPass() {
        // at temperature 0 each row's argmax is the token that was sampled from it, so refining changes nothing
        ArLoop.Result plain = ar(settings());
        ArLoop.Result refined = ar(settings("refine_on_stop", true));
        assertTrue(plain.stopped());
        assertArrayEquals(plain.codes(), refined.codes());
    }

    @Test
    void beamWidthOneIsGreedyAndWiderBeamsStartFromTheGreedyToken() {
        ArLoop.Result greedy = ar(settings());
        assertArrayEquals(greedy.codes(), ar(settings("beam_width", 1)).codes());
        ArLoop.Result beam = ar(settings("beam_width", 3));
        // the first step gives item 0 the best token of the single starting row
        assertEquals(greedy.sampled()[0], beam.sampled()[0]);
        assertArrayEquals(beam.codes(), ar(settings("beam_width", 3)).codes());
    }

    @Test
    void rollingContextPrefixesTheSecondLineWithTheFirst() {
        InferenceSettings s = settings("context_history", 1, "modality", "ar+nar");
        CodeRequest line = new CodeRequest(in.text(), in.lang(), in.prompt(), s);
        List<Codes> lines = valle.generateLines(List.of(line, line), Progress.NONE);
        ArLoop.Result expected = ArLoop.run(valle.model(), in.prompted(), s,
                new Sampling(pipeline, s.ar(), new SplittableRandom(s.seed())),
                new ContextPrefix(in.text(), lines.get(0).level(0)), Progress.NONE);
        assertArrayEquals(expected.codes(), lines.get(1).level(0));
        assertArrayEquals(valle.generate(line).data(), lines.get(0).data());
    }

    @Test
    void aSeedMakesSampledRunsReproducibleAndConcurrentRequestsIndependent() throws Exception {
        InferenceSettings sampled = settings("ar_temperature", 1.0, "nar_temperature", 1.0, "seed", 7, "max_duration", 12);
        CodeRequest request = new CodeRequest(in.text(), in.lang(), in.prompt(), sampled);
        Codes first = valle.generate(request);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Codes>> runs = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                runs.add(pool.submit(() -> valle.generate(request)));
            }
            for (Future<Codes> f : runs) {
                assertArrayEquals(first.data(), f.get().data());
            }
        } finally {
            pool.shutdown();
        }
        Codes other = valle.generate(new CodeRequest(in.text(), in.lang(), in.prompt(),
                settings("ar_temperature", 1.0, "nar_temperature", 1.0, "seed", 8, "max_duration", 12)));
        assertTrue(!java.util.Arrays.equals(first.data(), other.data()), "another seed should sample differently");
    }

    @Test
    void underGuidanceTheRecordedLogitsAreTheConditionalPassAndThePickSeesTheGuidedOnes() {
        InferenceSettings s = settings("cfg_strength", 1.5, "max_duration", 4);
        ArLoop.Result ar = ar(s);
        // the last step's conditional pass, recomputed whole: the prompt and every token sampled before it
        int[] before = java.util.Arrays.copyOf(ar.sampled(), ar.sampled().length - 1);
        var seq = valle.model().sequences().ar(in.text(), in.lang(), in.prompt(), before);
        float[] conditional = valle.model().logits(seq, valle.model().hidden(seq), 1);
        assertArrayEquals(conditional, ar.lastLogits(), 1e-4f);
        float[] picked = ar.sampledLogits().getLast();
        assertTrue(!java.util.Arrays.equals(conditional, picked), "guidance changes the logits the pick sees");
        assertEquals(TokenPicker.argmax(picked, 0, picked.length), ar.sampled()[ar.sampled().length - 1]);

        NarLoop.Result nar = NarLoop.run(valle.model(), in.prompted(), ar.codes(), 1, s.narCfg(),
                new Sampling(pipeline, s.nar(), new SplittableRandom(s.seed())));
        Codes level0 = new Codes(ar.codes().length, 1, ar.codes());
        var narSeq = valle.model().sequences().nar(in.text(), in.lang(), in.prompt(), level0, 1);
        float[] narConditional = valle.model().logits(narSeq, valle.model().hidden(narSeq), ar.codes().length);
        assertArrayEquals(narConditional, nar.level1Logits(), 1e-4f);
        assertTrue(!java.util.Arrays.equals(narConditional, nar.sampledLogits().getFirst()));
    }

    @Test
    void promptedInputsStayUnchanged() {
        Prompted p = in.prompted();
        int[] before = p.text().clone();
        ar(settings("input_prompt_prefix", true));
        assertArrayEquals(before, p.text());
    }

    @Test
    void layerSkipAndMirostatFlagsAreAcceptedAndChangeNothing() {
        // a sampled run, so that any effect on the logits or the random stream would show
        Object[] base = {"ar_temperature", 1.0, "nar_temperature", 1.0, "seed", 11};
        Codes plain = valle.generate(new CodeRequest(in.text(), in.lang(), in.prompt(), settings(base)));
        Object[] flagged = java.util.stream.Stream.concat(java.util.Arrays.stream(base), java.util.stream.Stream.of(
                "layer_skip", true, "layer_skip_exit_layer", 1, "layer_skip_entropy_threshold", 10.0,
                "layer_skip_varentropy_threshold", 10.0, "mirostat_tau", 3.0, "mirostat_eta", 0.1)).toArray();
        Codes withFlags = valle.generate(new CodeRequest(in.text(), in.lang(), in.prompt(), settings(flagged)));
        assertEquals(plain.frames(), withFlags.frames());
        assertArrayEquals(plain.data(), withFlags.data());
    }

    @Test
    void entropixIsRefusedWithTheReferencesReason() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> settings("entropix_sampling", true));
        assertTrue(e.getMessage().startsWith("entropix_sampling is not supported")
                && e.getMessage().contains("low-entropy branch"), e.getMessage());
    }
}

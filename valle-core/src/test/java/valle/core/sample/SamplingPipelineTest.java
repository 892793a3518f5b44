package valle.core.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static valle.core.sample.Fixtures.input;
import static valle.core.sample.Fixtures.settings;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import valle.api.plugin.Availability;
import valle.api.sample.Sampler;
import valle.api.sample.SamplerSettings;
import valle.api.sample.SamplingInput;

class SamplingPipelineTest {
    private static final List<String> REFERENCE_ORDER = List.of("repetition-penalty", "length-penalty", "min-p",
            "top-k-top-p", "temperature", "top-n-sigma", "dry");

    /** Every stage, deliberately shuffled. */
    private static List<Sampler> allStages() {
        return List.of(new Dry(), new Temperature(), new RepetitionPenalty(), new TopNSigma(), new MinP(),
                new LengthPenalty(), new TopKTopP());
    }

    /** Every stage on except top-nσ: rep-pen, min-p, top-k, top-p, dynamic temperature, DRY (length: AR only). */
    private static Fixtures.Settings filters() {
        return settings().repetition(1.3f, 0.2f).length(0.5f).minP(0.1f).topK(20).topP(0.9f)
                .temperature(1f, 0.5f).dry(0.8f, 1.75f, 1);
    }

    private static float[][] gaussianRows(int rows, int vocab, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] out = new float[rows][vocab];
        for (float[] row : out) {
            for (int i = 0; i < vocab; i++) {
                row[i] = (float) (3 * random.nextGaussian());
            }
        }
        return out;
    }

    private static List<String> names(List<? extends Sampler> stages) {
        return stages.stream().map(Sampler::name).toList();
    }

    @Test
    void stagesRunInTheReferenceOrder() {
        assertEquals(REFERENCE_ORDER, names(new SamplingPipeline(allStages()).stages()));

        List<String> ran = new ArrayList<>();
        List<Sampler> recording = allStages().stream().<Sampler>map(s -> new Recording(s, ran)).toList();
        SamplingPipeline pipeline = new SamplingPipeline(recording);
        // greedy (top-nσ after the filters empties the row), dynamic temperature keeps that stage on at T = 0
        pipeline.sample(input(gaussianRows(1, 40, 1), new int[] {1, 2, 3}, true, 39,
                filters().temperature(0f, 0.5f).topNSigma(1f)), new SplittableRandom(42));
        assertEquals(REFERENCE_ORDER, ran);

        ran.clear();
        pipeline.sample(input(gaussianRows(1, 40, 1), new int[] {1, 2, 3}, true, Fixtures.settings()
                .temperature(0f, -1f)), new SplittableRandom(42));
        assertEquals(List.of(), ran, "greedy settings switch every stage off");
    }

    @Test
    void everyStageIsDiscoverable() {
        List<String> found = new ArrayList<>();
        for (Sampler s : ServiceLoader.load(Sampler.class)) {
            found.add(s.name());
        }
        assertTrue(found.containsAll(REFERENCE_ORDER), "found " + found);
    }

    @Test
    void greedyPicksTheFirstMaximum() {
        SamplingPipeline pipeline = new SamplingPipeline(allStages());
        SamplingInput in = new SamplingInput(new float[] {1, 3, 3, 2, 0, -1, 5, 5}, 2, 4, new int[] {0, 0}, false,
                -1, SamplerSettings.greedy());
        SamplingPipeline.Picks picks = pipeline.sample(in, new SplittableRandom(42));
        assertArrayEquals(new int[] {1, 2}, picks.tokens());
        double e = Math.E;
        assertEquals(e * e * e / (e + 2 * e * e * e + e * e), picks.probabilities()[0], 1e-7);

        // the stages run before the pick: token 1 was generated twice, 3 / 2 / 2 = 0.75 < 3
        SamplingInput penalised = input(new float[][] {{1, 3, 3, 2}}, new int[] {1, 1}, true,
                settings().temperature(0f, -1f).repetition(2f, 0f));
        assertArrayEquals(new int[] {2}, pipeline.sample(penalised, new SplittableRandom(42)).tokens());
    }

    @Test
    void aSeededDrawIsReproducibleAndNeverPicksAFilteredToken() {
        Capture capture = new Capture();
        List<Sampler> stages = new ArrayList<>(allStages());
        stages.add(capture);
        SamplingPipeline pipeline = new SamplingPipeline(stages);
        for (Fixtures.Settings s : List.of(filters(),
                settings().repetition(1.3f, 0f).length(-0.5f).temperature(0.8f, -1f).topNSigma(1f)
                        .dry(0.5f, 1.75f, 0))) {
            float[][] rows = gaussianRows(3, 40, 7);
            int[] previous = {4, 4, 9};
            SamplingInput first = input(rows, previous, false, 39, s);
            SamplingInput second = input(rows, previous, false, 39, s);
            SamplingPipeline.Picks a = pipeline.sample(first, new SplittableRandom(42));
            SamplingPipeline.Picks b = pipeline.sample(second, new SplittableRandom(42));
            assertArrayEquals(a.tokens(), b.tokens());
            assertArrayEquals(a.probabilities(), b.probabilities(), 0f);
            assertArrayEquals(first.logits(), second.logits(), 0f);

            float[] processed = capture.logits;
            for (int r = 0; r < 3; r++) {
                assertNotEquals(Float.NEGATIVE_INFINITY, processed[r * 40 + a.tokens()[r]]);
            }
            int filtered = 0;
            for (float v : processed) {
                filtered += v == Float.NEGATIVE_INFINITY ? 1 : 0;
            }
            assertTrue(filtered > 40, "the filters removed only " + filtered + " of 120 tokens");
            SplittableRandom random = new SplittableRandom(42);
            for (int draw = 0; draw < 2000; draw++) {
                for (int r = 0; r < 3; r++) {
                    int token = TokenPicker.categorical(processed, r * 40, 40, random);
                    assertNotEquals(Float.NEGATIVE_INFINITY, processed[r * 40 + token], "row " + r + " drew " + token);
                }
            }
        }
    }

    @Test
    void topNSigmaAfterAFilterEmptiesTheRowAsInTheReference() {
        SamplingPipeline pipeline = new SamplingPipeline(allStages());
        float[][] rows = {{1, 5, 3, 4, 2}};
        // temperature 0: torch's argmax of an all -inf row is 0, its softmax nan
        SamplingPipeline.Picks greedy = pipeline.sample(input(rows, new int[0], true,
                settings().temperature(0f, -1f).topK(2).topNSigma(1f)), new SplittableRandom(42));
        assertArrayEquals(new int[] {0}, greedy.tokens());
        assertTrue(Float.isNaN(greedy.probabilities()[0]));
        // temperature 1: the reference's Categorical raises; so does the draw here
        assertThrows(IllegalStateException.class, () -> pipeline.sample(input(rows, new int[0], true,
                settings().topK(2).topNSigma(1f)), new SplittableRandom(42)));
    }

    @Test
    void theCallersLogitsKeepOnlyTheEditsTheReferenceMakesInPlace() {
        // expected values: the reference's Base.sample steps on a tensor, then a second call on the same tensor
        SamplingPipeline pipeline = new SamplingPipeline(allStages());
        int[] zeros = {0, 0};
        float[] logits = {4, 1, 2, 8};
        // repetition penalty writes into the tensor, `logit / temperature` makes a new one
        pipeline.sample(ar(logits, zeros, settings().temperature(2f, -1f).repetition(2f, 0f)), new SplittableRandom(1));
        assertArrayEquals(new float[] {1, 1, 2, 8}, logits, 0f);
        // so the greedy second call penalises again and scores the unscaled logits
        SamplingPipeline.Picks second = pipeline.sample(ar(logits, zeros,
                settings().temperature(0f, -1f).repetition(2f, 0f)), new SplittableRandom(1));
        assertArrayEquals(new float[] {0.25f, 1, 2, 8}, logits, 0f);
        assertEquals(0.99619317f, second.probabilities()[0], 1e-7f);

        // dynamic temperature divides in place
        float[] dynamic = {3, 3, 1, 1};
        pipeline.sample(ar(dynamic, zeros, settings().temperature(1f, 0.5f)), new SplittableRandom(1));
        assertArrayEquals(new float[] {3.647984f, 3.647984f, 1.2159947f, 1.2159947f}, dynamic, 0f);

        // top-k writes -inf into the tensor, unless min-p (masked_fill) copied it first
        float[] topK = {4, 1, 2, 8};
        pipeline.sample(ar(topK, zeros, settings().temperature(0f, -1f).topK(2)), new SplittableRandom(1));
        assertArrayEquals(new float[] {4, Fixtures.NEG_INF, Fixtures.NEG_INF, 8}, topK, 0f);
        float[] minPFirst = {4, 1, 2, 8};
        pipeline.sample(ar(minPFirst, zeros, settings().temperature(0f, -1f).topK(2).minP(0.01f)),
                new SplittableRandom(1));
        assertArrayEquals(new float[] {4, 1, 2, 8}, minPFirst, 0f);

        // DRY after the temperature's copy stays in the copy; without a copying stage it reaches the tensor
        int[] ones = {1, 1};
        float[] dryAfterCopy = {4, 1, 2, 8};
        pipeline.sample(ar(dryAfterCopy, ones, settings().temperature(2f, -1f).dry(1f, 2f, 0)),
                new SplittableRandom(1));
        assertArrayEquals(new float[] {4, 1, 2, 8}, dryAfterCopy, 0f);
        float[] dryInPlace = {4, 1, 2, 8};
        pipeline.sample(ar(dryInPlace, ones, settings().temperature(0f, -1f).dry(1f, 2f, 0)), new SplittableRandom(1));
        assertArrayEquals(new float[] {4, -5, 2, 8}, dryInPlace, 0f);
    }

    /** An AR input over {@code logits} itself (not a copy). */
    private static SamplingInput ar(float[] logits, int[] previous, Fixtures.Settings s) {
        return new SamplingInput(logits, 1, logits.length, previous, true, -1, s.build());
    }

    /** A last stage that keeps a copy of the logits the pick sees. */
    private static final class Capture implements Sampler {
        float[] logits;

        @Override
        public String name() {
            return "capture";
        }

        @Override
        public int priority() {
            return 0;
        }

        @Override
        public Availability availability() {
            return Availability.yes();
        }

        @Override
        public int order() {
            return Integer.MAX_VALUE;
        }

        @Override
        public boolean enabled(SamplerSettings settings) {
            return true;
        }

        @Override
        public void apply(SamplingInput input) {
            logits = input.logits().clone();
        }
    }

    /** Delegates to a stage and logs its name when it runs. */
    private record Recording(Sampler stage, List<String> log) implements Sampler {
        @Override
        public String name() {
            return stage.name();
        }

        @Override
        public int priority() {
            return stage.priority();
        }

        @Override
        public Availability availability() {
            return stage.availability();
        }

        @Override
        public int order() {
            return stage.order();
        }

        @Override
        public boolean enabled(SamplerSettings settings) {
            return stage.enabled(settings);
        }

        @Override
        public void apply(SamplingInput input) {
            log.add(stage.name());
            stage.apply(input);
        }
    }

    @Test
    void anOptionNamingNoStageIsRefused() {
        SamplingPipeline pipeline = new SamplingPipeline(allStages());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pipeline.checkOptions(
                SamplerSettings.builder().option("mirostat", "tau", "4.5").build()));
        assertTrue(e.getMessage().contains("mirostat.tau") && e.getMessage().contains("top-k-top-p"), e.getMessage());
    }
}

package valle.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import valle.api.sample.SamplerSettings;
import valle.core.Valle;
import valle.core.infer.ArLoop;
import valle.core.infer.DurationLoop;
import valle.core.infer.Sampling;
import valle.core.model.InputSequence;
import valle.core.model.ValleModel;
import valle.core.sample.SamplingPipeline;
import valle.core.speech.InferenceSettings;

/** The AR and duration loops' incremental decoding against the reference's way: the whole sequence again every step. */
class IncrementalDecodingTest {

    @Test
    void everyCachedStepMatchesAFullPassOverTheSameSequence() {
        Path variant = Path.of("golden/ar_nar");
        try (Valle valle = Valle.builder().model(variant.resolve("model.sft")).build()) {
            ValleModel model = valle.model();
            VariantInputs in = VariantInputs.read(new GoldenFolder(variant.resolve("inputs")));
            SamplingPipeline pipeline = new SamplingPipeline(valle.plugins().samplers().all());
            InferenceSettings s = InferenceSettings.fromKwargs(Map.of("ar_temperature", 0.0, "max_duration", 20));
            ArLoop.Result ar = ArLoop.run(model, in.prompted(), s,
                    new Sampling(pipeline, SamplerSettings.greedy(), new SplittableRandom(1)));
            int[] sampled = ar.sampled();
            for (int step = 0; step < sampled.length; step++) {
                int[] prefix = java.util.Arrays.copyOf(sampled, step);
                InputSequence full = model.sequences().ar(in.text(), in.lang(), in.prompt(), prefix);
                float[] logits = model.logits(full, model.hidden(full), 1);
                float[] cached = ar.sampledLogits().get(step);
                for (int c = 0; c < logits.length; c++) {
                    assertEquals(logits[c], cached[c], 1e-5, "step " + step + " class " + c);
                }
            }
        }
    }

    /** The duration loop feeds one digit a step through a cache; the reference runs the whole len sequence again. */
    @Test
    void everyCachedDurationStepMatchesAFullPassOverTheSameSequence() {
        Path variant = Path.of("golden/ar_nar_len");
        try (Valle valle = Valle.builder().model(variant.resolve("model.sft")).build()) {
            ValleModel model = valle.model();
            VariantInputs in = VariantInputs.read(new GoldenFolder(variant.resolve("inputs")));
            DurationLoop.Result cached = DurationLoop.predict(model, in.prompted());
            int[] tokens = cached.tokens();
            assertEquals(tokens.length - 1, cached.stepLogits().size());
            for (int step = 0; step < cached.stepLogits().size(); step++) {
                int[] digits = java.util.Arrays.copyOf(tokens, step + 1);
                InputSequence full = model.sequences().len(in.text(), in.lang(), in.prompt(), digits);
                float[] logits = model.logits(full, model.hidden(full), 1);
                float[] fromCache = cached.stepLogits().get(step);
                for (int c = 0; c < logits.length; c++) {
                    assertEquals(logits[c], fromCache[c], 1e-5, "step " + step + " class " + c);
                }
            }
            // a len sequence's tail is the whole sequence's last rows, as for AR
            int[] digits = {0, 4, 2};
            InputSequence full = model.sequences().len(in.text(), in.lang(), in.prompt(), digits);
            var tail = model.sequences().lenTail(in.text(), in.lang(), in.prompt(), digits, full.rows() - 1);
            assertEquals(full.head(), tail.head());
            assertEquals(full.mask(), tail.input().mask());
            int d = model.layout().hiddenSize();
            org.junit.jupiter.api.Assertions.assertArrayEquals(java.util.Arrays.copyOfRange(full.embeddings(),
                    (full.rows() - 1) * d, full.rows() * d), tail.input().embeddings());
            org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {full.positions()[full.rows() - 1]},
                    tail.input().positions());
        }
    }

    /** An AR step embeds only the rows it adds: the same embeddings and positions as the whole sequence's. */
    @Test
    void aSequenceTailIsTheWholeSequencesLastRows() {
        for (String name : new String[] {"golden/ar_nar", "golden/ar_nar_len"}) {
            Path variant = Path.of(name);
            try (Valle valle = Valle.builder().model(variant.resolve("model.sft")).build()) {
                ValleModel model = valle.model();
                VariantInputs in = VariantInputs.read(new GoldenFolder(variant.resolve("inputs")));
                int[] response = {5, 1, 17, 3};
                InputSequence full = model.sequences().ar(in.text(), in.lang(), in.prompt(), response);
                int d = model.layout().hiddenSize();
                for (int from : new int[] {0, 1, full.rows() - response.length, full.rows() - 1, full.rows()}) {
                    var tail = model.sequences().arTail(in.text(), in.lang(), in.prompt(), response, from);
                    assertEquals(full.rows(), tail.totalRows(), name);
                    assertEquals(full.head(), tail.head(), name);
                    assertEquals(full.mask(), tail.input().mask(), name);
                    assertEquals(full.rows() - from, tail.input().rows(), name);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(java.util.Arrays.copyOfRange(full.embeddings(),
                            from * d, full.rows() * d), tail.input().embeddings(), name + " from " + from);
                    org.junit.jupiter.api.Assertions.assertArrayEquals(java.util.Arrays.copyOfRange(full.positions(),
                            from, full.rows()), tail.input().positions(), name + " from " + from);
                }
            }
        }
    }
}

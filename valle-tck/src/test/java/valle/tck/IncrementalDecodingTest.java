package valle.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import valle.api.sample.SamplerSettings;
import valle.core.Valle;
import valle.core.infer.ArLoop;
import valle.core.infer.InferenceSettings;
import valle.core.infer.Sampling;
import valle.core.model.InputSequence;
import valle.core.model.ValleModel;
import valle.core.sample.SamplingPipeline;

/** The AR loop's incremental decoding against the reference's way: the whole sequence again every step. */
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
}

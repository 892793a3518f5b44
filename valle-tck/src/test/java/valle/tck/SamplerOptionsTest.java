package valle.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import valle.api.codec.Codes;
import valle.api.plugin.Availability;
import valle.api.sample.Sampler;
import valle.api.sample.SamplerSettings;
import valle.api.sample.SamplingInput;
import valle.core.Valle;
import valle.core.infer.CodeGenerator;
import valle.core.infer.CodeRequest;
import valle.core.sample.SamplingPipeline;
import valle.core.speech.InferenceSettings;
import valle.core.speech.Progress;

/** A third-party sampler stage receives its own settings from a request, in every pass, on the bundled ar_nar model. */
class SamplerOptionsTest {
    private static final Path VARIANT = Path.of("golden/ar_nar");

    /** Forces every row to the token its {@code token} option names; off without it. */
    static final class Forcing implements Sampler {
        @Override
        public String name() {
            return "forcing";
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
            return 800;
        }

        @Override
        public boolean enabled(SamplerSettings settings) {
            return settings.option(name(), "token").isPresent();
        }

        @Override
        public void apply(SamplingInput input) {
            int token = input.settings().intOption(name(), "token", 0);
            for (int r = 0; r < input.rows(); r++) {
                Arrays.fill(input.logits(), r * input.vocab(), (r + 1) * input.vocab(), Float.NEGATIVE_INFINITY);
                input.logits()[r * input.vocab() + token] = 0f;
            }
        }
    }

    private static InferenceSettings.Builder greedy() {
        return InferenceSettings.fromKwargs(Map.of("ar_temperature", 0.0, "nar_temperature", 0.0, "top_no", 0.0,
                "max_duration", 6, "modality", "ar+nar")).toBuilder();
    }

    @Test
    void aStageFromOutsideSeesItsOptionInEveryPass() {
        VariantInputs in = VariantInputs.read(new GoldenFolder(VARIANT.resolve("inputs")));
        try (Valle valle = Valle.builder().model(VARIANT.resolve("model.sft")).build()) {
            List<Sampler> stages = new ArrayList<>(valle.plugins().samplers().all());
            stages.add(new Forcing());
            CodeGenerator generator = new CodeGenerator(valle.model(), new SamplingPipeline(stages));
            InferenceSettings s = greedy().samplerOption("forcing", "token", "3").build();
            Codes codes = generator.generate(new CodeRequest(in.text(), in.lang(), in.prompt(), s), Progress.NONE).codes();
            // the AR never sees its stop token, so it runs to max_duration; every level is the forced token
            assertEquals(6, codes.frames());
            assertTrue(Arrays.stream(codes.data()).allMatch(c -> c == 3), Arrays.toString(codes.data()));

            CodeRequest misspelt = new CodeRequest(in.text(), in.lang(), in.prompt(),
                    greedy().samplerOption("forcin", "token", "3").build());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> valle.generate(misspelt));
            assertTrue(e.getMessage().contains("forcin.token"), e.getMessage());
        }
    }
}

package valle.tck;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import valle.api.codec.Codes;
import valle.api.sample.SamplerSettings;
import valle.core.Valle;
import valle.core.infer.CodeRequest;
import valle.core.infer.InferenceSettings;
import valle.core.infer.Sampling;
import valle.core.model.ValleModel;
import valle.core.sample.SamplingPipeline;

/** What the cases of one model variant share: the loaded facade, its model, the inputs and the samplers. */
final class CaseRun {
    private final Valle valle;
    private final VariantInputs inputs;
    private final SamplingPipeline pipeline;

    CaseRun(Valle valle, VariantInputs inputs) {
        this.valle = valle;
        this.inputs = inputs;
        this.pipeline = new SamplingPipeline(valle.plugins().samplers().all());
    }

    ValleModel model() {
        return valle.model();
    }

    VariantInputs inputs() {
        return inputs;
    }

    /** The case's flat sampling kwargs ({@code values.sampling_kwargs}), for the modality the case kind runs. */
    InferenceSettings settings(GoldenFolder g, String modality) {
        Map<String, Object> kwargs = new HashMap<>();
        g.value("sampling_kwargs").ifPresent(v -> ((Map<?, ?>) v).forEach((k, x) -> kwargs.put((String) k, x)));
        kwargs.put("modality", modality);
        return InferenceSettings.fromKwargs(kwargs);
    }

    /** A pass's sampling with a fresh random source from the settings' seed. */
    Sampling sampling(SamplerSettings settings) {
        return new Sampling(pipeline, settings, new SplittableRandom(0));
    }

    /** The whole request through the facade, as an embedding app would run it. */
    Codes generate(InferenceSettings settings) {
        return valle.generate(new CodeRequest(inputs.text(), inputs.lang(), inputs.prompt(), settings));
    }
}

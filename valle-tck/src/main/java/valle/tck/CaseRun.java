package valle.tck;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import valle.api.codec.Codes;
import valle.api.sample.SamplerSettings;
import valle.core.Valle;
import valle.core.infer.CodeGenerator;
import valle.core.infer.CodeRequest;
import valle.core.infer.Sampling;
import valle.core.infer.VoiceConversion;
import valle.core.lora.LoraOptions;
import valle.core.model.ValleModel;
import valle.core.sample.SamplingPipeline;
import valle.core.speech.InferenceSettings;
import valle.core.speech.Progress;

/**
 * What the cases of one model variant share: the facade, the model the cases run, the inputs and the
 * samplers. A variant with a {@code lora.sft} beside its {@code model.sft} runs with that LoRA (on the fly, or
 * merged when the suite asks), and its cases may load the checkpoint again with other LoRA settings.
 */
final class CaseRun {
    private final Valle valle;
    private final ValleModel model;
    private final VariantInputs inputs;
    private final SamplingPipeline pipeline;
    private final Path lora;
    private final boolean loraMerge;
    private final Function<LoraOptions, ValleModel> loader;
    /** Models loaded for single cases, closed with the run. */
    private final List<ValleModel> extra;

    CaseRun(Valle valle, ValleModel model, VariantInputs inputs, Path lora, boolean loraMerge,
            Function<LoraOptions, ValleModel> loader) {
        this(valle, model, inputs, lora, loraMerge, loader, new ArrayList<>());
    }

    private CaseRun(Valle valle, ValleModel model, VariantInputs inputs, Path lora, boolean loraMerge,
                    Function<LoraOptions, ValleModel> loader, List<ValleModel> extra) {
        this.valle = valle;
        this.model = model;
        this.inputs = inputs;
        this.pipeline = new SamplingPipeline(valle.plugins().samplers().all());
        this.lora = lora;
        this.loraMerge = loraMerge;
        this.loader = loader;
        this.extra = extra;
    }

    ValleModel model() {
        return model;
    }

    VariantInputs inputs() {
        return inputs;
    }

    /** The variant's {@code lora.sft}, or null. */
    Path lora() {
        return lora;
    }

    /** The variant's checkpoint loaded again with {@code options} (null: no LoRA); closed with the run. */
    ValleModel load(LoraOptions options) {
        ValleModel m = loader.apply(options);
        extra.add(m);
        return m;
    }

    /** This run over the variant's checkpoint with its LoRA active at {@code levels} only. */
    CaseRun withLoraLevels(List<Integer> levels) {
        if (lora == null) {
            throw new IllegalStateException("the case sets lora_rvq_levels but the variant has no lora.sft");
        }
        return new CaseRun(valle, load(new LoraOptions(lora, loraMerge, levels)), inputs, lora, loraMerge, loader,
                extra);
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

    /** The whole request as an embedding app would run it (through the facade when it holds the model). */
    Codes generate(InferenceSettings settings) {
        CodeRequest request = new CodeRequest(inputs.text(), inputs.lang(), inputs.prompt(), settings);
        if (lora == null) {
            return valle.generate(request);
        }
        return new CodeGenerator(model, pipeline).generate(request, Progress.NONE).codes();
    }

    /** The whole voice-conversion request on the variant's inputs, as the facade's code generator runs it. */
    Codes convert(InferenceSettings settings, VoiceConversion conversion) {
        CodeRequest request = new CodeRequest(inputs.text(), inputs.lang(), inputs.prompt(), settings);
        return new CodeGenerator(model, pipeline).convert(request, conversion, Progress.NONE).codes();
    }

    /** Closes the models loaded for single cases. */
    void closeExtra() {
        extra.forEach(ValleModel::close);
        extra.clear();
    }
}

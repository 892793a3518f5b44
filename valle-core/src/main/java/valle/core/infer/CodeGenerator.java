package valle.core.infer;

import java.util.SplittableRandom;
import valle.api.codec.Codes;
import valle.core.model.ModelConfig;
import valle.core.model.ValleModel;
import valle.core.sample.SamplingPipeline;

/**
 * What the reference's {@code TTS.inference} does for one line between token ids and the code matrix:
 * picks the modality, runs AR or duration + demasking for level 0, then the NAR levels. Every request gets
 * its own random source from its seed, so one loaded model serves concurrent requests reproducibly.
 */
public final class CodeGenerator {
    private final ValleModel model;
    private final SamplingPipeline pipeline;

    public CodeGenerator(ValleModel model, SamplingPipeline pipeline) {
        this.model = model;
        this.pipeline = pipeline;
    }

    /** The generated codes {@code [T, levels]} and how level 0 was made. */
    public record Generated(Codes codes, Modality modality) {
    }

    /** Observes the steps of a long generation (for progress bars); called on the generating thread. */
    @FunctionalInterface
    public interface Progress {
        void stage(String what);

        Progress NONE = what -> { };
    }

    public Generated generate(CodeRequest request, Progress progress) {
        InferenceSettings s = request.settings();
        if (s.beamWidth() > 1) {
            throw new IllegalArgumentException("beam_width " + s.beamWidth() + " is not supported yet; use 0");
        }
        if (request.lang() < 0 || request.lang() >= model.layout().langs()) {
            throw new IllegalArgumentException("language id " + request.lang() + " is out of range: the model has "
                    + model.layout().langs() + " languages");
        }
        Modality modality = resolve(s.modality(), model.config());
        SplittableRandom random = new SplittableRandom(s.seed());
        Prompted in = new Prompted(request.text(), request.lang(), request.prompt());
        int[] level0;
        if (modality == Modality.NAR_LEN) {
            progress.stage("duration");
            int frames = DurationLoop.predict(model, in).paddedFrames(s.maxDuration());
            progress.stage("demasking " + frames + " frames");
            level0 = DemaskLoop.run(model, in, frames, s, new Sampling(pipeline, s.narLen(), random)).codes();
        } else {
            progress.stage("autoregressive level 0");
            level0 = ArLoop.run(model, in, s, new Sampling(pipeline, s.ar(), random)).codes();
        }
        progress.stage("levels 1.." + (model.layout().respLevels() - 1));
        Codes codes = NarLoop.run(model, in, level0, s.maxLevels(), s.narCfg(), new Sampling(pipeline, s.nar(), random)).codes();
        return new Generated(codes, modality);
    }

    /** The reference's {@code TTS.modality} rule (§6.3). */
    static Modality resolve(Modality requested, ModelConfig config) {
        boolean canAr = config.has("ar");
        boolean canLen = config.has("len") && config.has("nar");
        Modality m = requested;
        if (m == Modality.AUTO) {
            m = config.name().equals("ar+nar") || !canLen ? Modality.AR_NAR : Modality.NAR_LEN;
        }
        if (m == Modality.AR_NAR && !canAr) {
            throw new IllegalArgumentException("modality ar+nar needs a model with the ar capability; this one has "
                    + config.capabilities());
        }
        if (m == Modality.NAR_LEN && !canLen) {
            throw new IllegalArgumentException("modality nar-len needs a model with the len capability; this one has "
                    + config.capabilities());
        }
        return m;
    }
}

package valle.core.infer;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import valle.api.codec.Codes;
import valle.api.sample.SamplerSettings;
import valle.core.model.ModelConfig;
import valle.core.model.ValleModel;
import valle.core.sample.SamplingPipeline;
import valle.core.speech.InferenceSettings;
import valle.core.speech.Modality;
import valle.core.speech.Progress;

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

    /** The same generator over {@code view} of its model (a scheduler slot's batching view). */
    public CodeGenerator through(ValleModel view) {
        return new CodeGenerator(view, pipeline);
    }

    /** The generated codes {@code [T, levels]} and how level 0 was made. */
    public record Generated(Codes codes, Modality modality) {
    }

    public Generated generate(CodeRequest request, Progress progress) {
        return generate(request, null, null, new SplittableRandom(request.settings().seed()), progress);
    }

    /**
     * Voice conversion ({@code TTS.inference(task="vc")}, §2.3): the request's text said in the prompt's voice, as
     * long as {@code conversion}'s source and with the source's level-0 codes steering the early demasking steps.
     * Only NAR-len can: the reference's AR+NAR path ignores the source (plain TTS), so that modality is refused.
     *
     * @throws IllegalArgumentException for an AR+NAR modality or model, or a source longer than {@code max_duration}
     *                                  (where the reference's masks and response would differ in length and fail)
     */
    public Generated convert(CodeRequest request, VoiceConversion conversion, Progress progress) {
        return generate(request, null, conversion, new SplittableRandom(request.settings().seed()), progress);
    }

    /**
     * Several lines of one request, each generated separately as the reference's {@code TTS.inference} does;
     * with {@code context_history > 0} the last lines' phonemes and codes prefix the next line (§6.8).
     */
    public List<Codes> generateLines(List<CodeRequest> lines, Progress progress) {
        List<Codes> out = new ArrayList<>();
        if (!lines.isEmpty()) {
            Session session = session(lines.getFirst().settings().seed());
            for (CodeRequest line : lines) {
                out.add(session.next(line, progress).codes());
            }
        }
        return List.copyOf(out);
    }

    /**
     * Starts the lines of one request, to be generated one at a time (so that a caller can decode and deliver
     * each before the next is made) with the same results as {@link #generateLines}.
     *
     * @param seed the request's seed: the lines share one random stream, seeded once, as the reference's
     *             {@code set_seed} before its line loop
     */
    public Session session(long seed) {
        return new Session(new SplittableRandom(seed));
    }

    /** The lines of one request so far: their random stream and the history that rolling context draws on. */
    public final class Session {
        private final SplittableRandom random;
        private final List<CodeRequest> lines = new ArrayList<>();
        private final List<Codes> codes = new ArrayList<>();

        private Session(SplittableRandom random) {
            this.random = random;
        }

        /** Generates the next line, prefixed by the last {@code context_history} lines when its settings ask. */
        public Generated next(CodeRequest line, Progress progress) {
            int k = line.settings().contextHistory();
            ContextPrefix prefix = k > 0 && !lines.isEmpty()
                    ? prefix(lines.subList(Math.max(0, lines.size() - k), lines.size()),
                    codes.subList(Math.max(0, codes.size() - k), codes.size()))
                    : null;
            Generated generated = generate(line, prefix, null, random, progress);
            lines.add(line);
            codes.add(generated.codes());
            return generated;
        }
    }

    private static ContextPrefix prefix(List<CodeRequest> lines, List<Codes> codes) {
        int[] text = lines.stream().flatMapToInt(l -> java.util.Arrays.stream(l.text())).toArray();
        int[] level0 = codes.stream().flatMapToInt(c -> java.util.Arrays.stream(c.level(0))).toArray();
        return new ContextPrefix(text, level0);
    }

    private Generated generate(CodeRequest request, ContextPrefix prefix, VoiceConversion conversion,
                               SplittableRandom random, Progress progress) {
        InferenceSettings s = request.settings();
        if (request.lang() < 0 || request.lang() >= model.layout().langs()) {
            throw new IllegalArgumentException("language id " + request.lang() + " is out of range: the model has "
                    + model.layout().langs() + " languages");
        }
        Modality modality = resolve(s.modality(), model.config());
        for (SamplerSettings pass : List.of(s.ar(), s.nar(), s.narLen())) {
            pipeline.checkOptions(pass);
        }
        Prompted in = new Prompted(request.text(), request.lang(), request.prompt());
        int[] level0;
        if (conversion != null && modality != Modality.NAR_LEN) {
            throw new IllegalArgumentException("voice conversion needs the nar-len modality (the reference's ar+nar path "
                    + "ignores the source and says the text as plain TTS); use --modality nar-len with a NAR-len model");
        }
        if (conversion != null) {
            int frames = conversion.source().length;
            if (frames > s.maxDuration()) {
                throw new IllegalArgumentException("the source has " + frames + " frames, more than max_duration "
                        + s.maxDuration() + " (the reference fails there): raise max_duration or shorten the source");
            }
            progress.stage("converting " + frames + " frames");
            level0 = DemaskLoop.run(model, in, frames, s, new Sampling(pipeline, s.narLen(), random), prefix, conversion,
                    progress).codes();
        } else if (modality == Modality.NAR_LEN) {
            progress.stage("duration");
            int frames = DurationLoop.predict(model, in).paddedFrames(s);
            progress.stage("demasking " + frames + " frames");
            level0 = DemaskLoop.run(model, in, frames, s, new Sampling(pipeline, s.narLen(), random), prefix, progress).codes();
        } else {
            progress.stage("autoregressive level 0");
            level0 = ArLoop.run(model, in, s, new Sampling(pipeline, s.ar(), random), prefix, progress).codes();
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

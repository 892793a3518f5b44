package valle.backend.onnx;

import ai.onnxruntime.OrtSession;
import valle.api.codec.CodecWeights;
import valle.api.codec.Codes;

/**
 * Vocos on ONNX Runtime ({@link VocosGraph}), decode only, under the condition vall-e picks for the level
 * count. Thread-safe; owns its session and weights until closed.
 */
final class OnnxVocos extends OnnxAudioCodec {
    private final OrtSession session;
    /** The AdaLayerNorm condition for each level count, -1 where vall-e has none. */
    private final int[] conditionForLevels;

    private OnnxVocos(CodecWeights weights, CodecRuntime runtime) {
        super(runtime, "Vocos model", weights.integer("sample_rate"), weights.integer("hop"), weights.integer("levels"),
                weights.integers("condition_for_levels").length - 1, weights.integer("bins"));
        this.conditionForLevels = weights.integers("condition_for_levels");
        this.session = runtime.session(VocosGraph.build(weights));
    }

    /** Builds the graph over {@code weights}, checking every tensor it reads. */
    static OnnxVocos open(CodecWeights weights, int threads) {
        CodecRuntime runtime = new CodecRuntime(weights, threads);
        try {
            return new OnnxVocos(weights, runtime);
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    @Override
    public Codes encode(float[] pcm, int levels) {
        throw new UnsupportedOperationException("vocos only decodes; encode with the encodec codec");
    }

    @Override
    public float[] decode(Codes codes) {
        ensureOpen();
        if (codes.levels() > maxLevels()) {
            throw new IllegalArgumentException(codes.levels() + " levels of codes, but Vocos has codebooks for " + maxLevels());
        }
        int condition = conditionForLevels[codes.levels()];
        if (condition < 0) {
            throw new IllegalArgumentException("this Vocos model has no bandwidth condition for " + codes.levels() + " levels");
        }
        CodeRange.check(codes, codebookSize());
        if (codes.frames() == 0) {
            return new float[0];
        }
        return runtime.runFloats(session, f -> {
            f.longs(VocosGraph.CODES, codes.data(), codes.frames(), codes.levels());
            f.longs(VocosGraph.CONDITION, new int[] {condition}, 1);
        }, VocosGraph.AUDIO);
    }
}

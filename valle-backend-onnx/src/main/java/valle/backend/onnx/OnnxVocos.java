package valle.backend.onnx;

import ai.onnxruntime.OrtSession;
import java.util.Map;
import valle.api.codec.AudioCodec;
import valle.api.codec.CodecWeights;
import valle.api.codec.Codes;

/**
 * Vocos on ONNX Runtime ({@link VocosGraph}), decode only, under the condition vall-e picks for the level
 * count. Thread-safe; owns its session and weights until closed.
 */
final class OnnxVocos implements AudioCodec {
    private final CodecRuntime runtime;
    private final OrtSession session;
    private final int sampleRate;
    private final int hop;
    private final int levels;
    private final int codebooks;
    private final int bins;
    private final int[] conditionForLevels;
    private volatile boolean closed;

    private OnnxVocos(CodecWeights weights, CodecRuntime runtime) {
        this.runtime = runtime;
        this.sampleRate = weights.integer("sample_rate");
        this.hop = weights.integer("hop");
        this.levels = weights.integer("levels");
        this.bins = weights.integer("bins");
        this.conditionForLevels = weights.integers("condition_for_levels");
        this.codebooks = conditionForLevels.length - 1;
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
    public int sampleRate() {
        return sampleRate;
    }

    @Override
    public int levels() {
        return levels;
    }

    @Override
    public int maxLevels() {
        return codebooks;
    }

    @Override
    public int codebookSize() {
        return bins;
    }

    @Override
    public double frameRate() {
        return (double) sampleRate / hop;
    }

    @Override
    public Codes encode(float[] pcm, int levels) {
        throw new UnsupportedOperationException("vocos only decodes; encode with the encodec codec");
    }

    @Override
    public float[] decode(Codes codes) {
        if (closed) {
            throw new IllegalStateException("this Vocos model on onnx is closed");
        }
        if (codes.levels() > codebooks) {
            throw new IllegalArgumentException(codes.levels() + " levels of codes, but Vocos has codebooks for " + codebooks);
        }
        int condition = conditionForLevels[codes.levels()];
        if (condition < 0) {
            throw new IllegalArgumentException("this Vocos model has no bandwidth condition for " + codes.levels() + " levels");
        }
        CodeRange.check(codes, bins);
        if (codes.frames() == 0) {
            return new float[0];
        }
        return runtime.runFloats(session, Map.of(VocosGraph.CODES, runtime.longs(codes.data(), codes.frames(), codes.levels()),
                VocosGraph.CONDITION, runtime.longs(new int[] {condition}, 1)), VocosGraph.AUDIO);
    }

    @Override
    public void close() {
        closed = true;
        runtime.close();
    }
}

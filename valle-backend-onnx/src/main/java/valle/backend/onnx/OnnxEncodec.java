package valle.backend.onnx;

import ai.onnxruntime.OrtSession;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import valle.api.codec.CodecWeights;
import valle.api.codec.Codes;

/**
 * EnCodec on ONNX Runtime ({@link EncodecGraph}): the decoder graph is made when the codec is opened, an
 * encoder graph per level count on its first use (so the handed-out weights stay referenced while it is open).
 * Thread-safe; owns its sessions and weights until closed.
 */
final class OnnxEncodec extends OnnxAudioCodec {
    private final CodecWeights weights;
    private final OrtSession decoder;
    private final Map<Integer, OrtSession> encoders = new ConcurrentHashMap<>();

    private OnnxEncodec(CodecWeights weights, CodecRuntime runtime) {
        super(runtime, "EnCodec model", weights.integer("sample_rate"), hop(weights.integers("ratios")),
                weights.integer("levels"), weights.integer("quantizers"), weights.integer("bins"));
        this.weights = weights;
        this.decoder = runtime.session(EncodecGraph.decoder(weights));
    }

    /** Samples per frame: the product of the up-sampling ratios. */
    private static int hop(int[] ratios) {
        int h = 1;
        for (int r : ratios) {
            h *= r;
        }
        return h;
    }

    /** Builds the decoder graph over {@code weights}, checking every tensor it reads. */
    static OnnxEncodec open(CodecWeights weights, int threads) {
        CodecRuntime runtime = new CodecRuntime(weights, threads);
        try {
            return new OnnxEncodec(weights, runtime);
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    @Override
    public Codes encode(float[] pcm, int levels) {
        ensureOpen();
        if (levels < 1 || levels > maxLevels()) {
            throw new IllegalArgumentException("levels must be in 1.." + maxLevels() + ", got " + levels);
        }
        if (pcm.length == 0) {
            throw new IllegalArgumentException("no samples to encode");
        }
        OrtSession encoder = encoders.computeIfAbsent(levels, l -> runtime.session(EncodecGraph.encoder(weights, l)));
        int[] codes = runtime.runInts(encoder, f -> f.floats(EncodecGraph.AUDIO, pcm, 1, 1, pcm.length), EncodecGraph.CODES);
        return new Codes(codes.length / levels, levels, codes);
    }

    @Override
    public float[] decode(Codes codes) {
        ensureOpen();
        if (codes.levels() > maxLevels()) {
            throw new IllegalArgumentException(codes.levels() + " levels of codes, but the model has " + maxLevels());
        }
        CodeRange.check(codes, codebookSize());
        if (codes.frames() == 0) {
            return new float[0];
        }
        return runtime.runFloats(decoder, f -> f.longs(EncodecGraph.CODES, codes.data(), codes.frames(), codes.levels()),
                EncodecGraph.AUDIO);
    }
}

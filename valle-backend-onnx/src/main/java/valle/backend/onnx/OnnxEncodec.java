package valle.backend.onnx;

import ai.onnxruntime.OrtSession;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import valle.api.codec.AudioCodec;
import valle.api.codec.CodecWeights;
import valle.api.codec.Codes;

/**
 * EnCodec on ONNX Runtime ({@link EncodecGraph}): the decoder graph is made when the codec is opened, an
 * encoder graph per level count on its first use. Thread-safe; owns its sessions and weights until closed.
 */
final class OnnxEncodec implements AudioCodec {
    private final CodecWeights weights;
    private final CodecRuntime runtime;
    private final OrtSession decoder;
    private final Map<Integer, OrtSession> encoders = new ConcurrentHashMap<>();
    private final int sampleRate;
    private final int hop;
    private final int levels;
    private final int quantizers;
    private final int bins;
    private volatile boolean closed;

    private OnnxEncodec(CodecWeights weights, CodecRuntime runtime) {
        this.weights = weights;
        this.runtime = runtime;
        this.sampleRate = weights.integer("sample_rate");
        int h = 1;
        for (int r : weights.integers("ratios")) {
            h *= r;
        }
        this.hop = h;
        this.levels = weights.integer("levels");
        this.quantizers = weights.integer("quantizers");
        this.bins = weights.integer("bins");
        this.decoder = runtime.session(EncodecGraph.decoder(weights));
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
    public int sampleRate() {
        return sampleRate;
    }

    @Override
    public int levels() {
        return levels;
    }

    @Override
    public int maxLevels() {
        return quantizers;
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
        open();
        if (levels < 1 || levels > quantizers) {
            throw new IllegalArgumentException("levels must be in 1.." + quantizers + ", got " + levels);
        }
        if (pcm.length == 0) {
            throw new IllegalArgumentException("no samples to encode");
        }
        OrtSession encoder = encoders.computeIfAbsent(levels, l -> runtime.session(EncodecGraph.encoder(weights, l)));
        int[] codes = runtime.runInts(encoder, Map.of(EncodecGraph.AUDIO, runtime.floats(pcm, 1, 1, pcm.length)),
                EncodecGraph.CODES);
        return new Codes(codes.length / levels, levels, codes);
    }

    @Override
    public float[] decode(Codes codes) {
        open();
        if (codes.levels() > quantizers) {
            throw new IllegalArgumentException(codes.levels() + " levels of codes, but the model has " + quantizers);
        }
        CodeRange.check(codes, bins);
        if (codes.frames() == 0) {
            return new float[0];
        }
        return runtime.runFloats(decoder, Map.of(EncodecGraph.CODES,
                runtime.longs(codes.data(), codes.frames(), codes.levels())), EncodecGraph.AUDIO);
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("this EnCodec model on onnx is closed");
        }
    }

    @Override
    public void close() {
        closed = true;
        runtime.close();
    }
}

package valle.backend.onnx;

import valle.api.codec.AudioCodec;

/**
 * What the ONNX codecs share: the {@link CodecRuntime} that owns their sessions and weights, the numbers an
 * {@link AudioCodec} reports, and being closed. Thread-safe.
 */
abstract class OnnxAudioCodec implements AudioCodec {
    final CodecRuntime runtime;
    private final String model;
    private final int sampleRate;
    private final int hop;
    private final int levels;
    private final int maxLevels;
    private final int bins;
    private volatile boolean closed;

    /**
     * @param model what the codec is, for messages ({@code "EnCodec model"})
     * @param hop   samples per frame
     */
    OnnxAudioCodec(CodecRuntime runtime, String model, int sampleRate, int hop, int levels, int maxLevels, int bins) {
        this.runtime = runtime;
        this.model = model;
        this.sampleRate = sampleRate;
        this.hop = hop;
        this.levels = levels;
        this.maxLevels = maxLevels;
        this.bins = bins;
    }

    @Override
    public final int sampleRate() {
        return sampleRate;
    }

    @Override
    public final int levels() {
        return levels;
    }

    @Override
    public final int maxLevels() {
        return maxLevels;
    }

    @Override
    public final int codebookSize() {
        return bins;
    }

    @Override
    public final double frameRate() {
        return (double) sampleRate / hop;
    }

    /** @throws IllegalStateException once closed */
    final void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this " + model + " on onnx is closed");
        }
    }

    @Override
    public final void close() {
        closed = true;
        runtime.close();
    }
}

package valle.core.batch;

import valle.api.codec.AudioCodec;
import valle.api.codec.Codes;

/** A codec whose calls run with their slot outside the model stage, so that the batcher's ticks do not wait for them. */
final class OutsideCodec implements AudioCodec {
    private final AudioCodec codec;
    private final Slot slot;

    OutsideCodec(AudioCodec codec, Slot slot) {
        this.codec = codec;
        this.slot = slot;
    }

    @Override
    public int sampleRate() {
        return codec.sampleRate();
    }

    @Override
    public int levels() {
        return codec.levels();
    }

    @Override
    public int maxLevels() {
        return codec.maxLevels();
    }

    @Override
    public int codebookSize() {
        return codec.codebookSize();
    }

    @Override
    public double frameRate() {
        return codec.frameRate();
    }

    @Override
    public Codes encode(float[] pcm, int levels) {
        return slot.outside(() -> codec.encode(pcm, levels));
    }

    @Override
    public float[] decode(Codes codes) {
        return slot.outside(() -> codec.decode(codes));
    }

    /** The codec belongs to the facade. */
    @Override
    public void close() {
    }
}

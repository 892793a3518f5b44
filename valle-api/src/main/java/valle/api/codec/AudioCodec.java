package valle.api.codec;

import valle.api.Stable;

/**
 * A loaded neural audio codec. Thread-safe; owns its weights until closed.
 */
@Stable(since = "0.1")
public interface AudioCodec extends AutoCloseable {

    /** Sample rate of the PCM it takes and gives, in Hz (24000 for EnCodec 24 kHz and Vocos). */
    int sampleRate();

    /** Codebook levels per frame (8 at 6 kbps). */
    int levels();

    /** Frames per second of audio (75 for EnCodec 24 kHz). */
    double frameRate();

    /**
     * Mono PCM at {@link #sampleRate()}, samples in [-1, 1], to codes.
     *
     * @throws UnsupportedOperationException when the codec only decodes
     */
    Codes encode(float[] pcm);

    /** Codes to mono PCM at {@link #sampleRate()}. */
    float[] decode(Codes codes);

    /** Releases the weights; idempotent. */
    @Override
    void close();
}

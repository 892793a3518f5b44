package valle.api.codec;

import valle.api.Stable;

/**
 * A loaded neural audio codec. Thread-safe (concurrent calls share the weights); owns its weights and any
 * worker threads until closed.
 */
@Stable(since = "0.1")
public interface AudioCodec extends AutoCloseable {

    /** Sample rate of the PCM it takes and gives, in Hz (24000 for EnCodec 24 kHz and Vocos). */
    int sampleRate();

    /** Codebook levels per frame that {@link #encode(float[])} gives: VALL-E's 8 (6 kbps for EnCodec 24 kHz). */
    int levels();

    /** The most levels {@link #encode(float[], int)} and {@link #decode} accept (EnCodec 24 kHz: 32; Vocos: 16). */
    int maxLevels();

    /** Entries per codebook: codes are {@code 0 .. codebookSize() - 1} (1024 for EnCodec 24 kHz and Vocos). */
    int codebookSize();

    /** Frames per second of audio (75 for EnCodec 24 kHz): one frame per {@code sampleRate() / frameRate()} samples. */
    double frameRate();

    /**
     * Mono PCM at {@link #sampleRate()}, samples in [-1, 1], to {@link #levels()} levels of codes
     * ({@code ceil(samples / hop)} frames).
     *
     * @throws UnsupportedOperationException when the codec only decodes
     */
    default Codes encode(float[] pcm) {
        return encode(pcm, levels());
    }

    /**
     * As {@link #encode(float[])} with {@code levels} codebooks (EnCodec: its bandwidth setting; 32 levels is
     * 24 kbps). A residual quantizer is greedy, so the first levels equal those of a shorter encoding.
     *
     * @throws IllegalArgumentException when {@code levels} is not in {@code 1 .. maxLevels()}
     * @throws UnsupportedOperationException when the codec only decodes
     */
    Codes encode(float[] pcm, int levels);

    /**
     * Codes (any level count up to {@link #maxLevels()}) to mono PCM at {@link #sampleRate()}: {@code hop}
     * samples per frame, untrimmed, as the reference returns it. A codec conditioned on the bandwidth (Vocos)
     * uses VALL-E's choice for the level count (2 → 1.5 kbps, 4 → 3, 8 → 6, else 6 kbps).
     *
     * @throws IllegalArgumentException when a code is out of range or there are too many levels
     */
    float[] decode(Codes codes);

    /** Releases the weights and threads; idempotent. Later calls throw {@link IllegalStateException}. */
    @Override
    void close();
}

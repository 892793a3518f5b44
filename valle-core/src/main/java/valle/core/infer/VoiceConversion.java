package valle.core.infer;

import java.util.Objects;

/**
 * Voice conversion (task {@code vc}, {@code docs/spec/remaining-features.md} §2.3): NAR-len demasking whose length is
 * the source utterance's, and whose steps with {@code t < threshold} scatter the source's level-0 codes (a random
 * share {@code maskP} of them, and always the last 75 frames, replaced by the mask token) into the re-masked
 * positions instead of the mask token alone. The text still says what is spoken; the prompt gives the voice.
 *
 * @param source    the source's level-0 codes; their count is the output length
 * @param threshold steps with {@code t} below it use the source ({@code vc_threshold}, 0.25)
 * @param maskP     the share of source codes masked at random at each such step ({@code vc_mask_p}, 0.25)
 * @param order     which positions a step re-masks, in order: the j-th receives the j-th source frame
 */
public record VoiceConversion(int[] source, float threshold, float maskP, MaskOrder order) {
    /** The reference's defaults for {@code vc_threshold} and {@code vc_mask_p}. */
    public static final float DEFAULT_THRESHOLD = 0.25f;
    public static final float DEFAULT_MASK_P = 0.25f;
    /** The reference always masks the source's last second (75 frames), "because it causes issues". */
    static final int MASKED_TAIL = 75;

    public VoiceConversion {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(order, "order");
        if (source.length == 0) {
            throw new IllegalArgumentException("the source utterance holds no frames to convert");
        }
        if (!(maskP >= 0 && maskP <= 1)) {
            throw new IllegalArgumentException("vc_mask_p must be in [0, 1], got " + maskP);
        }
        source = source.clone();
    }

    /** The reference's conversion of {@code source} with the default threshold and mask share. */
    public static VoiceConversion of(int[] source) {
        return new VoiceConversion(source, DEFAULT_THRESHOLD, DEFAULT_MASK_P, MaskOrder.HIGHEST_FIRST);
    }

    @Override
    public int[] source() {
        return source.clone();
    }

    /**
     * The positions a demasking step re-masks: the {@code n} highest scores in order. The order matters only to voice
     * conversion, whose scatter gives the j-th source frame to the j-th position.
     */
    @FunctionalInterface
    public interface MaskOrder {
        /** Highest score first, ties to the lower index. (The reference's torch {@code topk} breaks ties otherwise.) */
        MaskOrder HIGHEST_FIRST = (step, scores, n) -> DemaskLoop.highestFirst(scores, n);

        int[] positions(int step, float[] scores, int n);
    }
}

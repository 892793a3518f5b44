package valle.core.speech;

import valle.api.Stable;

/**
 * What speech-to-text made of one recording: phoneme token ids and their text. The model writes IPA phonemes
 * (espeak-ng style), not words.
 *
 * @param ids       the text ids the model emitted, without {@code <bos>} and the stop id
 * @param reference the text exactly as the reference's {@code TTS.inference(task="stt")} returns it
 *                  ({@link SttDecoding#REFERENCE}: no word spaces, U+FFFD for Latin-1 letters)
 * @param readable  the same ids with word spaces kept ({@link SttDecoding#JOINED})
 * @param stopped   whether the model ended the text itself; {@code false} when it ran into the step limit
 * @param frames    frames of speech codes transcribed (75 per second)
 */
@Stable(since = "0.1")
public record Transcription(int[] ids, String reference, String readable, boolean stopped, int frames) {
    public Transcription {
        ids = ids.clone();
    }

    @Override
    public int[] ids() {
        return ids.clone();
    }

    /** The text in {@code mode}. */
    public String text(SttDecoding mode) {
        return switch (mode) {
            case REFERENCE -> reference;
            case JOINED -> readable;
        };
    }

    /** Seconds of speech transcribed. */
    public double seconds() {
        return frames / 75.0;
    }
}

package valle.core.speech;

import java.time.Duration;
import valle.api.Stable;
import valle.api.codec.Codes;
import valle.core.speech.Modality;

/**
 * One sentence (or phoneme line) of a request, generated and decoded: what a streaming caller receives as soon
 * as it is ready.
 *
 * @param index        its place in the request, from 0
 * @param count        how many sentences the request has
 * @param text         the sentence as it was split from the request's text
 * @param modality     how its level 0 was made
 * @param codes        its code matrix {@code [T, levels]}
 * @param samples      its audio: mono, {@code hop · T} samples at {@code sampleRate}, untrimmed; empty when the
 *                     request asked for codes only
 * @param sampleRate   Hz (24000)
 * @param generateTime compute time of its codes
 * @param decodeTime   compute time of its audio
 */
@Stable(since = "0.1")
public record SpeechChunk(int index, int count, String text, Modality modality, Codes codes, float[] samples,
                          int sampleRate, Duration generateTime, Duration decodeTime) {

    /** Seconds of audio in this chunk. */
    public double seconds() {
        return sampleRate == 0 ? 0 : (double) samples.length / sampleRate;
    }

    /** Whether this is the request's last sentence. */
    public boolean last() {
        return index == count - 1;
    }
}

package valle.core.audio;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import valle.api.ModelFormatException;

/**
 * Coverage-guided fuzzing of the WAV reader: any byte string is either refused with a {@link ModelFormatException}
 * or read into audio that is well-formed. Anything else (another exception, a hang, a huge allocation) is a
 * finding. The regression inputs in {@code WavFileFuzzTestInputs/parse} replay in every test run; to fuzz, see
 * docs/reliability.md.
 */
class WavFileFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void parse(byte[] input) {
        PcmAudio audio;
        try {
            audio = WavFile.parse(input, "fuzz.wav");
        } catch (ModelFormatException refused) {
            return;
        }
        assertTrue(audio.sampleRate() > 0 && audio.channels().length > 0, "accepted audio without rate or channels");
        for (float[] channel : audio.channels()) {
            for (float s : channel) {
                assertTrue(Float.isFinite(s), "accepted a non-finite sample");
            }
        }
    }
}

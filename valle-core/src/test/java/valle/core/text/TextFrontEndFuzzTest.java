package valle.core.text;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of the pure-Java text front end: the sentence split, the {@link TextLimits} checks
 * and the phoneme tokenizer take any text (control characters, lone surrogates, unpaired quotes, long runs)
 * without failing other than by a refusal, and give non-empty sentences and ids inside the vocabulary. Regression inputs: {@code TextFrontEndFuzzTestInputs/splitAndTokenize}.
 */
class TextFrontEndFuzzTest {
    private static final PhonemeTokenizer TOKENIZER = PhonemeTokenizer.bundled();

    @FuzzTest(maxDuration = "10m")
    void splitAndTokenize(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        for (String sentence : SentenceSplitter.split(text)) {
            assertFalse(sentence.isEmpty(), "an empty sentence");
            try {
                TextLimits.requireSpeakable(sentence);
            } catch (IllegalArgumentException refused) {
                continue; // control characters or nothing to speak: refused before the tokenizer, as speak does
            }
            for (int id : TOKENIZER.encode(sentence)) {
                assertTrue(id >= 0 && id < TOKENIZER.vocabSize(), "id " + id + " outside the vocabulary");
            }
        }
    }
}

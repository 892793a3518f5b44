package valle.core.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import valle.api.ModelFormatException;

/**
 * Coverage-guided fuzzing of the code-matrix readers: every input is read as a reference {@code .enc} file (a
 * {@code .npy} object array whose pickle the strict unpickler reads) and as a plain {@code .npy} array. Each
 * reader refuses it with a {@link ModelFormatException} or reads an array whose values match its shape.
 * Regression inputs: {@code CodesFuzzTestInputs/parse}.
 */
class CodesFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void parse(byte[] input) {
        try {
            EncFile enc = EncFile.parse(input, "fuzz.enc");
            assertEquals(enc.codes().frames() * enc.codes().levels(), enc.codes().data().length);
        } catch (ModelFormatException refused) {
            // the expected outcome for most inputs, and for every .npy that is not an object array
        }
        NpyArray array;
        try {
            array = NpyArray.parse(input, "fuzz.npy");
        } catch (ModelFormatException refused) {
            return;
        }
        long count = 1;
        for (int d : array.shape()) {
            count *= d;
        }
        assertEquals(count, array.size(), "values do not match the shape");
    }
}

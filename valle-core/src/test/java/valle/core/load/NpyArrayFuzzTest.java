package valle.core.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import valle.api.ModelFormatException;

/**
 * Coverage-guided fuzzing of the {@code .npy} reader: any byte string is refused with a
 * {@link ModelFormatException} or read into an array whose values match its shape. Regression inputs:
 * {@code NpyArrayFuzzTestInputs/parse}.
 */
class NpyArrayFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void parse(byte[] input) {
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

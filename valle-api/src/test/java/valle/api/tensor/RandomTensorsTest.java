package valle.api.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomTensorsTest {

    @Test
    void valuesAreTheDrawsOfOneSequentialGeneratorInTheOrderTheTensorsWereAdded() {
        Weights w = new RandomTensors(42).linear("a", 3, 5).around("b", 1, 0.2, 7).uniform("c", 0.5, 2, 3, 4).build("t");
        SplittableRandom r = new SplittableRandom(42);
        float[] a = expected(r, 15, 0, Math.sqrt(3.0 / 5));
        float[] b = expected(r, 7, 1, 0.2);
        float[] c = expected(r, 24, 0, 0.5);
        assertArrayEquals(a, w.find("a").orElseThrow().toFloatArray());
        assertArrayEquals(b, w.find("b").orElseThrow().toFloatArray());
        assertArrayEquals(c, w.find("c").orElseThrow().toFloatArray());
        assertArrayEquals(new int[] {2, 3, 4}, w.find("c").orElseThrow().shape());
    }

    @Test
    void aReadAnywhereGivesTheSameValuesAsTheWholeTensor() {
        TensorView t = new RandomTensors(-7).uniform("big", 2, 1000, 37).build("t").find("big").orElseThrow();
        float[] whole = t.toFloatArray();
        float[] part = new float[101];
        t.read(12_345, part, 1, 100);
        for (int i = 0; i < 100; i++) {
            assertEquals(whole[12_345 + i], part[1 + i]);
        }
        float[] row = new float[37];
        t.readRow(999, row, 0);
        assertEquals(whole[999 * 37 + 36], row[36]);
    }

    @Test
    void readsPastTheEndAreRefused() {
        TensorView t = new RandomTensors(1).uniform("x", 1, 4).build("t").find("x").orElseThrow();
        assertThrows(IndexOutOfBoundsException.class, () -> t.read(2, new float[4], 0, 3));
        assertThrows(IndexOutOfBoundsException.class, () -> t.read(0, new float[2], 0, 3));
    }

    private static float[] expected(SplittableRandom r, int n, double centre, double scale) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) (centre + (r.nextDouble() * 2 - 1) * scale);
        }
        return out;
    }
}

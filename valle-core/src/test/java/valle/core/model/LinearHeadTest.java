package valle.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import valle.api.tensor.ArrayTensor;
import valle.kit.thread.KernelPool;

class LinearHeadTest {
    /** Two threads, so that large products split their blocks as they do in a model. */
    private static final KernelPool POOL = new KernelPool(2, "test heads");


    @ParameterizedTest(name = "classes={0} of {1}, width={2}, rows={3}")
    @CsvSource({"1, 1, 1, 1", "11, 11, 32, 5", "1024, 1025, 64, 9", "300, 300, 1030, 4", "70, 70, 2048, 3"})
    void theFastPathMatchesThePlainLoop(int classes, int fileRows, int width, int rows) {
        SplittableRandom rnd = new SplittableRandom(classes + width);
        float[] w = random(rnd, fileRows * width);
        float[] bias = random(rnd, classes);
        LinearHead head = new LinearHead(new ArrayTensor("w", new int[] {fileRows, width}, w), classes, bias);
        float[] x = random(rnd, (rows + 2) * width);
        float[] simple = new float[rows * classes];
        float[] fast = new float[rows * classes];
        head.applySimple(x, 2, rows, simple);
        head.apply(x, 2, rows, fast, POOL);
        for (int i = 0; i < fast.length; i++) {
            assertEquals(simple[i], fast[i], 2e-6 * width, "element " + i);
        }
        // the plain loop is the definition: row r, class c = bias + Σ x·w over the file's row c
        float s = 0f;
        for (int k = 0; k < width; k++) {
            s += x[2 * width + k] * w[k];
        }
        assertEquals(s + bias[0], simple[0], 0f);
    }

    @ParameterizedTest(name = "classes={0}, width={1}")
    @CsvSource({"1025, 64", "7, 1027", "130, 48"})
    void anOutputDoesNotDependOnTheTileItFellIn(int classes, int width) {
        // rows and classes go in tiles of 4 x 2 with single rows and an odd class apart: every output's sum keeps
        // one order, so a row alone gives the same bits as inside a pass of many
        SplittableRandom rnd = new SplittableRandom(classes * 31L + width);
        LinearHead head = new LinearHead(new ArrayTensor("w", new int[] {classes, width}, random(rnd, classes * width)),
                classes, random(rnd, classes));
        int rows = 9;
        float[] x = random(rnd, rows * width);
        float[] all = new float[rows * classes];
        head.apply(x, 0, rows, all, POOL);
        for (int r = 0; r < rows; r++) {
            float[] alone = new float[classes];
            head.apply(x, r, 1, alone, POOL);
            assertArrayEquals(alone, Arrays.copyOfRange(all, r * classes, (r + 1) * classes), "row " + r);
        }
    }

    @org.junit.jupiter.api.Test
    void theSameBitsColdAndWarm() {
        // lane sums in a fixed order: the interpreter and the compiled intrinsic agree
        SplittableRandom rnd = new SplittableRandom(13);
        LinearHead head = new LinearHead(new ArrayTensor("w", new int[] {7, 1027}, random(rnd, 7 * 1027)), 7, null);
        float[] x = random(rnd, 5 * 1027);
        float[] cold = new float[5 * 7];
        head.apply(x, 0, 5, cold, POOL);
        float[] warm = new float[5 * 7];
        for (int k = 0; k < 20_000; k++) {
            head.apply(x, 0, 5, warm, POOL);
        }
        assertArrayEquals(cold, warm);
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }
}

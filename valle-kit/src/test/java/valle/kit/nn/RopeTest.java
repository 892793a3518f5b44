package valle.kit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RopeTest {

    @Test
    void rotatingEqualsTurningByTheTablesAngles() {
        int hd = 8;
        int heads = 3;
        int[] positions = {0, 5, 17, 900};
        Rope rope = new Rope(hd, 10000f);
        float[] x = random(positions.length * heads * hd + 2, 1);
        float[] rotated = x.clone();
        rope.apply(rotated, 2, positions.length, heads, positions);
        Rope.Tables tables = rope.tables(positions);
        float[] cos = tables.cos();
        float[] sin = tables.sin();
        assertEquals(positions.length * hd / 2, cos.length);
        assertEquals(x[0], rotated[0]);
        assertEquals(x[1], rotated[1]);
        for (int r = 0; r < positions.length; r++) {
            for (int h = 0; h < heads; h++) {
                int off = 2 + (r * heads + h) * hd;
                for (int i = 0; i < hd / 2; i++) {
                    float c = cos[r * hd / 2 + i];
                    float s = sin[r * hd / 2 + i];
                    assertEquals(x[off + i] * c - x[off + hd / 2 + i] * s, rotated[off + i]);
                    assertEquals(x[off + hd / 2 + i] * c + x[off + i] * s, rotated[off + hd / 2 + i]);
                }
            }
        }
    }

    @Test
    void theTablesAreHfsFloat32Angles() {
        Rope rope = new Rope(4, 10000f);
        Rope.Tables tables = rope.tables(new int[] {3});
        float[] cos = tables.cos();
        float[] sin = tables.sin();
        float inverse = (float) (1.0 / Math.pow(10000f, (float) 2 / 4));
        assertArrayEquals(new float[] {(float) Math.cos(3f), (float) Math.cos(3 * inverse)}, cos);
        assertArrayEquals(new float[] {(float) Math.sin(3f), (float) Math.sin(3 * inverse)}, sin);
    }

    @Test
    void anOddHeadWidthIsRefused() {
        assertFalse(Rope.supports(5).ok());
        assertEquals("rotary embeddings need an even head width, got 5", Rope.supports(5).reason());
        assertThrows(IllegalArgumentException.class, () -> new Rope(5, 10000f));
    }

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) r.nextGaussian();
        }
        return out;
    }
}

package valle.codec.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** EnCodec's {@code pad1d}: PyTorch reflection, and the zero-append rule for inputs no longer than a pad. */
class PaddingTest {

    @Test
    void reflectionMirrorsWithoutRepeatingTheEdge() {
        Signal x = new Signal(2, 4, new float[] {1, 2, 3, 4, 10, 20, 30, 40});
        assertArrayEquals(new float[] {3, 2, 1, 2, 3, 4, 3, 30, 20, 10, 20, 30, 40, 30},
                Padding.reflect(x, 2, 1, Scratch.NONE).data());
        assertArrayEquals(new float[] {4, 3, 2, 1, 2, 3, 4, 3, 2}, Padding.reflect(new Signal(1, 4, new float[] {1, 2, 3, 4}), 3, 2, Scratch.NONE).data());
    }

    @Test
    void shortInputsAreZeroExtendedBeforeReflecting() {
        // L = 1 with left pad 6 (a k7 conv at the frame rate with T = 1): the reflection becomes zeros
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0, 5}, Padding.reflect(new Signal(1, 1, new float[] {5}), 6, 0, Scratch.NONE).data());
        // L = 5 with pads (8, 3) (the last downsampling of edge_short): 4 zeros appended, reflected, dropped
        float[] a = {1, 2, 3, 4, 5};
        assertArrayEquals(new float[] {0, 0, 0, 0, 5, 4, 3, 2, 1, 2, 3, 4, 5, 0, 0, 0},
                Padding.reflect(new Signal(1, 5, a), 8, 3, Scratch.NONE).data());
        // L = pad exactly also takes the rule
        assertArrayEquals(new float[] {0, 2, 1, 2, 0}, Padding.reflect(new Signal(1, 2, new float[] {1, 2}), 2, 1, Scratch.NONE).data());
    }

    @Test
    void zeroPadding() {
        assertArrayEquals(new float[] {0, 1, 2, 0, 0, 0, 3, 4, 0, 0},
                Padding.zeros(new Signal(2, 2, new float[] {1, 2, 3, 4}), 1, 2).data());
    }
}

package valle.kit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import valle.api.arch.BackboneInput;
import valle.api.arch.MaskMode;

class BackboneInputsTest {

    @Test
    void rowsOfAnotherWidthAreRefusedAndNoRowsFitAnyWidth() {
        BackboneInput three = new BackboneInput(new float[6], 2, new int[] {0, 1}, MaskMode.CAUSAL);
        BackboneInputs.requireWidth(three, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BackboneInputs.requireWidth(three, 4));
        assertEquals("input rows are 3 wide, the backbone is 4", e.getMessage());
        BackboneInputs.requireWidth(new BackboneInput(new float[0], 0, new int[0], MaskMode.CAUSAL), 4);
    }

    @Test
    void theAdditiveMaskHidesWhatTheMaskModeHides() {
        float inf = Float.NEGATIVE_INFINITY;
        assertArrayEquals(new float[] {0, 0, inf, 0, 0, 0}, AdditiveMask.of(MaskMode.CAUSAL, 1, 2));
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 0}, AdditiveMask.of(MaskMode.BIDIRECTIONAL, 1, 2));
    }
}

package valle.kit.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import valle.api.tensor.WeightFormat;

class BlockQuantizerTest {

    @ParameterizedTest(name = "{0} block={1} columns={2}")
    @CsvSource({"INT8, 32, 1", "INT8, 32, 32", "INT8, 32, 33", "INT8, 32, 1000", "INT8, 64, 130", "INT8, 1, 5",
            "INT4, 32, 1", "INT4, 32, 32", "INT4, 32, 33", "INT4, 32, 1000", "INT4, 64, 130", "INT4, 1, 5"})
    void everyWeightComesBackWithinHalfAScaleOfItsBlock(WeightFormat format, int block, int columns) {
        BlockQuantizer q = BlockQuantizer.of(format, block);
        SplittableRandom rnd = new SplittableRandom(columns * 31L + block);
        float[] row = new float[columns + 3];
        for (int i = 0; i < row.length; i++) {
            // weights of a trained layer's size, a few blocks far larger than the rest
            row[i] = (float) rnd.nextGaussian() * (i % 97 == 5 ? 3f : 0.02f);
        }
        Quantized r = Quantized.of(q, row, 3, columns);
        float[] back = r.restored();
        for (int j = 0; j < columns; j++) {
            float scale = r.scales[j / block];
            float error = Math.abs(back[j] - row[3 + j]);
            assertTrue(error <= scale * 0.5f * (1 + 1e-5f), format + " column " + j + ": " + row[3 + j]
                    + " came back as " + back[j] + ", more than half of scale " + scale + " away");
            assertTrue(r.codes[j] >= (format == WeightFormat.INT8 ? -127 : 0) && r.codes[j] <= (format == WeightFormat.INT8 ? 127 : 15),
                    "code " + r.codes[j] + " out of range");
        }
        assertEquals(Math.ceilDiv(columns, block), q.blocks(columns));
    }

    @Test
    void int8KeepsEachBlocksLargestWeightAndUsesZeroAsItsZeroPoint() {
        BlockQuantizer q = BlockQuantizer.of(WeightFormat.INT8, 4);
        float[] row = {0.5f, -2f, 1f, 0.25f, 3f, 0f, -3f, 1.5f};
        Quantized r = Quantized.of(q, row, 0, row.length);
        assertEquals(2f / 127, r.scales[0]);
        assertEquals(-127, r.codes[1]);
        assertEquals(127, r.codes[4]);
        assertEquals(-127, r.codes[6]);
        assertEquals(0, r.zeroPoints[0]);
        assertEquals(0, r.zeroPoints[1]);
        float[] back = r.restored();
        assertEquals(-2f, back[1], 1e-6f);
        assertEquals(3f, back[4], 1e-6f);
        assertEquals(0f, back[5]);
    }

    @Test
    void int4RestoresZeroExactlyAndSpendsAllCodesOnASingleSignBlock() {
        BlockQuantizer q = BlockQuantizer.of(WeightFormat.INT4, 4);
        float[] row = {0f, 1f, 1.5f, 3f, -0.3f, 0.7f, 0f, 0.2f};
        Quantized r = Quantized.of(q, row, 0, row.length);
        // all weights >= 0: the zero point is the lowest code and the largest weight takes the highest
        assertEquals(0, r.zeroPoints[0]);
        assertEquals(0.2f, r.scales[0]);
        assertEquals(15, r.codes[3]);
        assertEquals(0, r.codes[0]);
        // mixed signs: 0 is one of the 16 levels
        assertEquals(r.zeroPoints[1], r.codes[6]);
        float[] back = r.restored();
        assertEquals(0f, back[0]);
        assertEquals(0f, back[6]);
        float negative = Quantized.of(q, new float[] {-4f, -1f, -2f, -3f}, 0, 4).restored()[0];
        assertEquals(-4f, negative, 1e-6f);
    }

    @ParameterizedTest
    @CsvSource({"INT8", "INT4"})
    void anAllZeroBlockHasScaleZeroAndRestoresZeros(WeightFormat format) {
        BlockQuantizer q = BlockQuantizer.of(format, 32);
        float[] row = new float[40];
        row[35] = 1f;
        Quantized r = Quantized.of(q, row, 0, row.length);
        assertEquals(0f, r.scales[0]);
        float[] back = r.restored();
        for (int j = 0; j < 32; j++) {
            assertEquals(0f, back[j]);
        }
        assertEquals(1f, back[35], 1e-6f);
    }

    @ParameterizedTest
    @CsvSource({"INT8", "INT4"})
    void extremeWeightsNeitherOverflowNorUnderflowIntoNonsense(WeightFormat format) {
        BlockQuantizer q = BlockQuantizer.of(format, 4);
        float big = BlockQuantizer.LARGEST;
        float[] row = {big, -big, 0f, big / 3,
                big, 0f, 1f, big / 2,
                Float.MIN_VALUE, -Float.MIN_VALUE, 0f, Float.MIN_VALUE};
        Quantized r = Quantized.of(q, row, 0, row.length);
        float[] back = r.restored();
        for (int j = 0; j < 8; j++) {
            float scale = r.scales[j / 4];
            assertTrue(Float.isFinite(back[j]), "column " + j + " came back as " + back[j]);
            assertTrue(Math.abs(back[j] - row[j]) <= scale * 0.5f * (1 + 1e-5f),
                    "column " + j + ": " + row[j] + " came back as " + back[j]);
        }
        // weights too small for any scale: the scale underflows to 0 and they come back as 0, an error below 1e-44
        for (int j = 8; j < 12; j++) {
            assertEquals(0f, back[j]);
        }
    }

    @ParameterizedTest
    @CsvSource({"INT8", "INT4"})
    void aNonFiniteOrHugeWeightIsRefusedNamingItsColumn(WeightFormat format) {
        BlockQuantizer q = BlockQuantizer.of(format, 32);
        float[] row = new float[40];
        row[37] = Float.NaN;
        var e = assertThrows(IllegalArgumentException.class, () -> Quantized.of(q, row, 0, row.length));
        assertTrue(e.getMessage().contains("column 37"), e.getMessage());
        row[37] = Float.NEGATIVE_INFINITY;
        assertThrows(IllegalArgumentException.class, () -> Quantized.of(q, row, 0, row.length));
        row[37] = Math.nextUp(BlockQuantizer.LARGEST);
        assertThrows(IllegalArgumentException.class, () -> Quantized.of(q, row, 0, row.length));
    }

    @Test
    void onlyTheIntegerFormatsAndPositiveBlocksMakeARule() {
        assertInstanceOf(SymmetricInt8.class, BlockQuantizer.of(WeightFormat.INT8, 32));
        assertInstanceOf(AsymmetricInt4.class, BlockQuantizer.of(WeightFormat.INT4, 64));
        var e = assertThrows(IllegalArgumentException.class, () -> BlockQuantizer.of(WeightFormat.BF16, 32));
        assertTrue(e.getMessage().contains("bf16"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BlockQuantizer.of(WeightFormat.INT8, 0));
        assertThrows(IllegalArgumentException.class, () -> new AsymmetricInt4(-1));
        assertEquals(8, BlockQuantizer.of(WeightFormat.INT8, 32).bits());
        assertEquals(4, BlockQuantizer.of(WeightFormat.INT4, 32).bits());
    }

    /** A quantised row with its arrays, as a caller holds them. */
    private record Quantized(BlockQuantizer q, int columns, byte[] codes, float[] scales, byte[] zeroPoints) {
        static Quantized of(BlockQuantizer q, float[] row, int offset, int columns) {
            Quantized r = new Quantized(q, columns, new byte[columns], new float[q.blocks(columns)], new byte[q.blocks(columns)]);
            q.quantize(row, offset, columns, r.codes, r.scales, r.zeroPoints);
            return r;
        }

        float[] restored() {
            float[] out = new float[columns + 2];
            q.dequantize(codes, scales, zeroPoints, columns, out, 1);
            return java.util.Arrays.copyOfRange(out, 1, columns + 1);
        }
    }
}

package valle.kit.quant;

import valle.api.Experimental;

/**
 * Unsigned 4-bit codes in {@code [0, 15]} with one scale and one zero-point code per block: the block's range,
 * widened to hold 0, is cut into 15 steps, {@code scale = (max - min) / 15}, and the zero point is the code
 * nearest to 0, {@code round(-min / scale)}. So 0 is restored exactly (padding, and the many near-zero weights
 * of a trained layer, cost no error) and every weight within half a scale; a block of one sign spends all 16
 * codes on its side of 0. An all-zero block has scale 0 and restores zeros.
 */
@Experimental("made for the int4 weight format")
public record AsymmetricInt4(int blockSize) implements BlockQuantizer {
    private static final int LEVELS = 15;

    /** @throws IllegalArgumentException for a block size below 1 */
    public AsymmetricInt4 {
        BlockChecks.checkedBlockSize(blockSize);
    }

    @Override
    public int bits() {
        return 4;
    }

    @Override
    public void quantize(float[] row, int offset, int columns, byte[] codes, float[] scales, byte[] zeroPoints) {
        for (int b = 0, start = 0; start < columns; b++, start += blockSize) {
            int end = Math.min(columns, start + blockSize);
            float min = 0f;
            float max = 0f;
            for (int j = start; j < end; j++) {
                float w = row[offset + j];
                BlockChecks.requireInRange(w, j);
                min = Math.min(min, w);
                max = Math.max(max, w);
            }
            float scale = max / LEVELS - min / LEVELS;
            int zero = scale == 0f ? 0 : Math.clamp(Math.round(-min / scale), 0, LEVELS);
            scales[b] = scale;
            zeroPoints[b] = (byte) zero;
            for (int j = start; j < end; j++) {
                // a scale of 0 (all zeros, or weights so small that the scale underflows) restores zeros
                int code = scale == 0f ? zero : Math.round(row[offset + j] / scale) + zero;
                codes[j] = (byte) Math.clamp(code, 0, LEVELS);
            }
        }
    }
}

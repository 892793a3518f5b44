package valle.kit.quant;

import valle.api.Experimental;

/**
 * Signed 8-bit codes in {@code [-127, 127]} with the zero point 0 and one scale per block,
 * {@code max|w| / 127}: the block's largest weight is restored exactly (up to rounding of the scale) and every
 * weight within half a scale. -128 is never used, so that the codes are symmetric about 0 and a block's
 * extremes of either sign cost the same; an all-zero block has scale 0 and restores zeros.
 */
@Experimental("made for the int8 weight format")
public record SymmetricInt8(int blockSize) implements BlockQuantizer {
    private static final int LIMIT = 127;

    /** @throws IllegalArgumentException for a block size below 1 */
    public SymmetricInt8 {
        BlockChecks.checkedBlockSize(blockSize);
    }

    @Override
    public int bits() {
        return 8;
    }

    @Override
    public void quantize(float[] row, int offset, int columns, byte[] codes, float[] scales, byte[] zeroPoints) {
        for (int b = 0, start = 0; start < columns; b++, start += blockSize) {
            int end = Math.min(columns, start + blockSize);
            float maxAbs = 0f;
            for (int j = start; j < end; j++) {
                BlockChecks.requireInRange(row[offset + j], j);
                maxAbs = Math.max(maxAbs, Math.abs(row[offset + j]));
            }
            float scale = maxAbs / LIMIT;
            scales[b] = scale;
            zeroPoints[b] = 0;
            for (int j = start; j < end; j++) {
                // a scale of 0 (all zeros, or weights so small that the scale underflows) restores zeros
                int code = scale == 0f ? 0 : Math.round(row[offset + j] / scale);
                codes[j] = (byte) Math.clamp(code, -LIMIT, LIMIT);
            }
        }
    }
}

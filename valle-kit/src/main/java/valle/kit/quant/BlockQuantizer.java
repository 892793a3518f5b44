package valle.kit.quant;

import valle.api.Experimental;
import valle.api.tensor.WeightFormat;

/**
 * A rule that turns a row of float weights into integer codes by blocks of {@link #blockSize()} consecutive
 * weights, each block with one float scale and one zero-point code: the weight at column {@code j} of block
 * {@code b} is restored as {@code (codes[j] - zeroPoints[b]) · scales[b]} ({@link #dequantize}). A row whose
 * length is not a multiple of the block size ends with a shorter block, quantised by the same rule over the
 * weights it has (a layout that needs whole blocks pads with the zero point, which restores 0).
 *
 * <p>The codes are one byte per weight, unpacked, so that any layout can be made from them. A weight must be
 * finite and at most {@link #LARGEST} in magnitude (2<sup>124</sup>, far beyond any trained weight): then no
 * scale, and no restored weight, can overflow to infinity.
 */
@Experimental("made for the int8 and int4 weight formats; more rules (other block sizes, asymmetric int8) may come")
public sealed interface BlockQuantizer permits SymmetricInt8, AsymmetricInt4 {
    /** The block size both quantisers use unless told otherwise (the java backend's; the onnx backend picks its own, docs/backends.md). */
    int DEFAULT_BLOCK = 32;

    /** The largest weight magnitude a rule takes: {@code Float.MAX_VALUE / 16}, so that 15 scales stay finite. */
    float LARGEST = Float.MAX_VALUE / 16;

    /**
     * The rule for {@code format} ({@link WeightFormat#INT8} or {@link WeightFormat#INT4}) over blocks of
     * {@code blockSize} weights.
     *
     * @throws IllegalArgumentException for a float format or a block size below 1
     */
    static BlockQuantizer of(WeightFormat format, int blockSize) {
        return switch (format) {
            case INT8 -> new SymmetricInt8(blockSize);
            case INT4 -> new AsymmetricInt4(blockSize);
            default -> throw new IllegalArgumentException("weight format " + format.label()
                    + " is not a block quantisation: use int8 or int4");
        };
    }

    /** Consecutive weights of a row that share a scale and a zero point. */
    int blockSize();

    /** Bits a code needs: 8 or 4. */
    int bits();

    /** The blocks of a row of {@code columns} weights: {@code ceil(columns / blockSize)}, the last one maybe short. */
    default int blocks(int columns) {
        return Math.ceilDiv(columns, blockSize());
    }

    /**
     * Quantises {@code row[offset, offset + columns)} into {@code codes[0, columns)}, {@code scales[0, blocks)}
     * and {@code zeroPoints[0, blocks)}.
     *
     * @throws IllegalArgumentException naming the column of a weight that is NaN, infinite or beyond {@link #LARGEST}
     */
    void quantize(float[] row, int offset, int columns, byte[] codes, float[] scales, byte[] zeroPoints);

    /** The weights {@code codes[0, columns)} stand for, into {@code out[offset, offset + columns)}. */
    default void dequantize(byte[] codes, float[] scales, byte[] zeroPoints, int columns, float[] out, int offset) {
        int block = blockSize();
        for (int j = 0; j < columns; j++) {
            out[offset + j] = (codes[j] - zeroPoints[j / block]) * scales[j / block];
        }
    }
}

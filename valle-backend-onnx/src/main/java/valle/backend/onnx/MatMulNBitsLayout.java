package valle.backend.onnx;

import ai.onnxruntime.OnnxJavaType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import valle.kit.quant.BlockQuantizer;

/**
 * The bytes ONNX Runtime's {@code MatMulNBits} reads for a weight {@code [out, in]} quantised by a
 * {@link BlockQuantizer} (blocks along {@code in}), and the node that multiplies by it.
 *
 * <p>Three tensors: the codes {@code uint8 [out, blocks, blockSize · bits / 8]}, each block's codes packed low
 * first (two 4-bit codes a byte, the first in the low nibble; 8-bit codes as the unsigned byte
 * {@code code + 128}); the scales {@code float [out · blocks]}; for 4 bits the zero points
 * {@code uint8 [out · ceil(blocks / 2)]}, two a byte low first, each row starting on a new byte. 8-bit weights
 * have no zero-point tensor: the operator's default, 128, is the kit's symmetric 0. A short last block is padded
 * with its zero point (codes that restore 0), so it adds nothing to a product.
 */
final class MatMulNBitsLayout implements QuantisedLinear {
    /** ORT's {@code accuracy_level} 4: activations quantised to int8 per block, so that its integer kernels run. */
    static final int INT8_ACCUMULATION = 4;
    private static final int UNSIGNED_OFFSET = 128;

    private final BlockQuantizer quantizer;
    private final int out;
    private final int in;
    private final int blocks;
    private final int blobBytes;
    private final int zeroPointBytes;
    private final byte[] codes;
    private final float[] scales;
    private final byte[] zeroPoints;

    MatMulNBitsLayout(BlockQuantizer quantizer, int out, int in) {
        if (quantizer.bits() != 8 && quantizer.bits() != 4) {
            throw new IllegalArgumentException("MatMulNBits is used here for 8 or 4 bits, not " + quantizer.bits());
        }
        this.quantizer = quantizer;
        this.out = out;
        this.in = in;
        this.blocks = quantizer.blocks(in);
        this.blobBytes = quantizer.blockSize() * quantizer.bits() / 8;
        this.zeroPointBytes = quantizer.bits() == 4 ? Math.ceilDiv(blocks, 2) : 0;
        this.codes = new byte[in];
        this.scales = new float[blocks];
        this.zeroPoints = new byte[blocks];
    }

    @Override
    public boolean hasZeroPoints() {
        return zeroPointBytes > 0;
    }

    @Override
    public int[] codesShape() {
        return new int[] {out, blocks, blobBytes};
    }

    @Override
    public int[] scalesShape() {
        return new int[] {out * blocks};
    }

    @Override
    public int[] zeroPointsShape() {
        return new int[] {out * zeroPointBytes};
    }

    @Override
    public long codesBytes() {
        return (long) out * blocks * blobBytes;
    }

    @Override
    public long scalesBytes() {
        return (long) out * blocks * Float.BYTES;
    }

    @Override
    public long zeroPointsBytes() {
        return (long) out * zeroPointBytes;
    }

    /**
     * Quantises {@code row} (one output's {@code in} weights) and writes it as row {@code r} of the three tensors
     * ({@code zeroPoints} unused for 8 bits). Not thread-safe: one layout works through one weight's rows.
     */
    @Override
    public void writeRow(int r, float[] row, MemorySegment codesOut, MemorySegment scalesOut, MemorySegment zeroPointsOut) {
        quantizer.quantize(row, 0, in, codes, scales, zeroPoints);
        int block = quantizer.blockSize();
        long base = (long) r * blocks * blobBytes;
        for (int b = 0; b < blocks; b++) {
            long at = base + (long) b * blobBytes;
            int start = b * block;
            if (quantizer.bits() == 8) {
                for (int i = 0; i < block; i++) {
                    int code = start + i < in ? codes[start + i] : 0;
                    codesOut.set(ValueLayout.JAVA_BYTE, at + i, (byte) (code + UNSIGNED_OFFSET));
                }
            } else {
                for (int i = 0; i < block; i += 2) {
                    codesOut.set(ValueLayout.JAVA_BYTE, at + i / 2,
                            (byte) (nibble(start + i, b) | nibble(start + i + 1, b) << 4));
                }
            }
            scalesOut.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (long) r * blocks + b, scales[b]);
        }
        for (int i = 0; i < zeroPointBytes; i++) {
            int low = zeroPoints[2 * i];
            int high = 2 * i + 1 < blocks ? zeroPoints[2 * i + 1] : 0;
            zeroPointsOut.set(ValueLayout.JAVA_BYTE, (long) r * zeroPointBytes + i, (byte) (low | high << 4));
        }
    }

    /** The 4-bit code of column {@code j} in block {@code b}; past the row's end, the block's zero point. */
    private int nibble(int j, int b) {
        return j < in ? codes[j] : zeroPoints[b];
    }

    /**
     * The graph's weight declarations for a weight named {@code name}: the codes under {@code name}, then
     * {@link #scalesName} and, for 4 bits, {@link #zeroPointsName}.
     */
    @Override
    public void declare(OnnxGraph g, String name) {
        g.byteWeight(name, codesShape());
        g.weight(QuantisedLinear.scalesName(name), scalesShape());
        if (hasZeroPoints()) {
            g.byteWeight(QuantisedLinear.zeroPointsName(name), zeroPointsShape());
        }
    }

    /** {@code x [T, in] · Wᵀ} as one {@code MatMulNBits} node over the weight declared as {@code name}. */
    @Override
    public String multiply(OnnxGraph g, String x, String name) {
        return multiply(g, x, name, INT8_ACCUMULATION);
    }

    /** As above with ORT's {@code accuracy_level} {@code accuracy} (0: float activations, the exact product). */
    String multiply(OnnxGraph g, String x, String name, int accuracy) {
        String[] inputs = hasZeroPoints()
                ? new String[] {x, name, QuantisedLinear.scalesName(name), QuantisedLinear.zeroPointsName(name)}
                : new String[] {x, name, QuantisedLinear.scalesName(name)};
        return g.runtimeNode("MatMulNBits", inputs, "K", (long) in, "N", (long) out, "bits", (long) quantizer.bits(),
                "block_size", (long) quantizer.blockSize(), "accuracy_level", (long) accuracy);
    }

    @Override
    public OnnxJavaType codesType() {
        return OnnxJavaType.UINT8;
    }
}

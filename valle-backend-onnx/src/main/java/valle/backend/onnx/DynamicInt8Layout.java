package valle.backend.onnx;

import ai.onnxruntime.OnnxJavaType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import valle.api.tensor.WeightFormat;
import valle.kit.quant.BlockQuantizer;

/**
 * An int8 weight {@code [out, in]} for ORT's {@code DynamicQuantizeMatMul} ({@code com.microsoft}): the kit's
 * symmetric int8 with one block a row (one scale an output), stored transposed as {@code int8 [in, out]} with the
 * scales {@code float [out]}; no zero points (0). The node quantises the activations to uint8 (one scale and zero
 * point over the whole input) and runs MLAS's integer GEMM, which on a CPU with AMX uses its int8 tiles.
 *
 * <p>Why not {@code MatMulNBits} for int8: measured side by side on a 2-core Sapphire Rapids (2 threads, best of
 * 3), one 665×1024 · 1024→4096 product took 4.5-5.4 ms this way against 20-34 ms with {@code MatMulNBits} in
 * blocks of 128 and 21-43 ms with f32 {@code Gemm}; one row 0.19-0.25 ms against 0.20-0.24 ms.
 */
final class DynamicInt8Layout implements QuantisedLinear {
    private final BlockQuantizer quantizer;
    private final int out;
    private final int in;
    private final byte[] codes;
    private final float[] scale = new float[1];
    private final byte[] zeroPoint = new byte[1];

    DynamicInt8Layout(int out, int in) {
        this.quantizer = BlockQuantizer.of(WeightFormat.INT8, in);
        this.out = out;
        this.in = in;
        this.codes = new byte[in];
    }

    @Override
    public int[] codesShape() {
        return new int[] {in, out};
    }

    @Override
    public OnnxJavaType codesType() {
        return OnnxJavaType.INT8;
    }

    @Override
    public int[] scalesShape() {
        return new int[] {out};
    }

    @Override
    public boolean hasZeroPoints() {
        return false;
    }

    @Override
    public int[] zeroPointsShape() {
        return new int[0];
    }

    @Override
    public long codesBytes() {
        return (long) in * out;
    }

    @Override
    public long scalesBytes() {
        return (long) out * Float.BYTES;
    }

    @Override
    public long zeroPointsBytes() {
        return 0;
    }

    @Override
    public void writeRow(int r, float[] row, MemorySegment codesOut, MemorySegment scalesOut, MemorySegment zeroPointsOut) {
        quantizer.quantize(row, 0, in, codes, scale, zeroPoint);
        for (int j = 0; j < in; j++) {
            codesOut.set(ValueLayout.JAVA_BYTE, (long) j * out + r, codes[j]);
        }
        scalesOut.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, r, scale[0]);
    }

    @Override
    public void declare(OnnxGraph g, String name) {
        g.int8Weight(name, codesShape());
        g.weight(QuantisedLinear.scalesName(name), scalesShape());
    }

    @Override
    public String multiply(OnnxGraph g, String x, String name) {
        return g.runtimeNode("DynamicQuantizeMatMul", new String[] {x, name, QuantisedLinear.scalesName(name)});
    }
}

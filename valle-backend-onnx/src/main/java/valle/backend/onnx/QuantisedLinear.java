package valle.backend.onnx;

import ai.onnxruntime.OnnxJavaType;
import java.lang.foreign.MemorySegment;

/**
 * A linear layer's weight {@code [out, in]} quantised at load: the tensors ORT reads ({@code name}, its scales
 * and maybe zero points), how a row of the checkpoint is written into them, and the node multiplying by them.
 */
sealed interface QuantisedLinear permits MatMulNBitsLayout, DynamicInt8Layout {
    int[] codesShape();

    /** The element type of the codes and of the zero points. */
    OnnxJavaType codesType();

    int[] scalesShape();

    boolean hasZeroPoints();

    int[] zeroPointsShape();

    long codesBytes();

    long scalesBytes();

    long zeroPointsBytes();

    /**
     * Quantises {@code row} (one output's {@code in} weights) and writes it as row {@code r} of the tensors
     * ({@code zeroPoints} unused where there are none). Not thread-safe: one layout works through one weight's rows.
     */
    void writeRow(int r, float[] row, MemorySegment codesOut, MemorySegment scalesOut, MemorySegment zeroPointsOut);

    /** The graph's declarations of the tensors of a weight named {@code name}. */
    void declare(OnnxGraph g, String name);

    /** {@code x [T, in] · Wᵀ} over the weight declared as {@code name}. */
    String multiply(OnnxGraph g, String x, String name);

    static String scalesName(String name) {
        return name + ".scales";
    }

    static String zeroPointsName(String name) {
        return name + ".zero_points";
    }
}

package valle.backend.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * One linear layer on ONNX Runtime for the tests: a weight {@code [out, in]} written into native memory (float32,
 * or rows quantised by a {@link QuantisedLinear} layout) and a session of a one-node graph {@code y = x · Wᵀ}
 * over it, as the llama graphs declare and hand their weights.
 */
final class LinearSession implements AutoCloseable {
    private final Arena arena;
    private final Map<String, OnnxTensor> weights;
    private final OrtSession session;
    private final int out;
    private final int in;

    private LinearSession(Arena arena, Map<String, OnnxTensor> weights, OrtSession session, int out, int in) {
        this.arena = arena;
        this.weights = weights;
        this.session = session;
        this.out = out;
        this.in = in;
    }

    /** {@code w} (row-major {@code [out, in]}) as float32, multiplied by a {@code Gemm} with transB. */
    static LinearSession float32(float[] w, int out, int in) throws OrtException {
        OnnxGraph g = new OnnxGraph("f32");
        g.weight("w", out, in);
        Arena arena = Arena.ofShared();
        MemorySegment values = arena.allocate(ValueLayout.JAVA_FLOAT, w.length);
        MemorySegment.copy(w, 0, values, ValueLayout.JAVA_FLOAT, 0, w.length);
        Map<String, OnnxTensor> weights = new HashMap<>();
        weights.put("w", OnnxTensor.createTensor(OrtRuntime.environment(),
                values.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer(), new long[] {out, in}));
        return open(g, g.node("Gemm", new String[] {g.input("x", "T", in), "w"}, "transB", 1), arena, weights, out, in);
    }

    /**
     * {@code w} quantised row by row in {@code layout}, multiplied by the node {@code multiply} makes over the
     * input and the weight's name.
     */
    static LinearSession quantised(QuantisedLinear layout, float[] w, int out, int in,
                                   BiFunction<OnnxGraph, String, String> multiply) throws OrtException {
        return quantised(layout, w, out, in, multiply, 1, 0);
    }

    /** As above, the session with {@code threads} threads that spin {@code spinMicros} µs ({@link OrtRuntime#options(int, int)}). */
    static LinearSession quantised(QuantisedLinear layout, float[] w, int out, int in,
                                   BiFunction<OnnxGraph, String, String> multiply, int threads, int spinMicros)
            throws OrtException {
        OrtEnvironment env = OrtRuntime.environment();
        OnnxGraph g = new OnnxGraph("quantised");
        String x = g.input("x", "T", in);
        layout.declare(g, "w");
        Arena arena = Arena.ofShared();
        MemorySegment codes = arena.allocate(layout.codesBytes());
        MemorySegment scales = arena.allocate(layout.scalesBytes(), Float.BYTES);
        MemorySegment zeroPoints = layout.hasZeroPoints() ? arena.allocate(layout.zeroPointsBytes()) : MemorySegment.NULL;
        float[] row = new float[in];
        for (int r = 0; r < out; r++) {
            System.arraycopy(w, r * in, row, 0, in);
            layout.writeRow(r, row, codes, scales, zeroPoints);
        }
        Map<String, OnnxTensor> weights = new HashMap<>();
        weights.put("w", OnnxTensor.createTensor(env, codes.asByteBuffer(), longs(layout.codesShape()), layout.codesType()));
        weights.put(QuantisedLinear.scalesName("w"), OnnxTensor.createTensor(env,
                scales.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer(), longs(layout.scalesShape())));
        if (layout.hasZeroPoints()) {
            weights.put(QuantisedLinear.zeroPointsName("w"), OnnxTensor.createTensor(env, zeroPoints.asByteBuffer(),
                    longs(layout.zeroPointsShape()), OnnxJavaType.UINT8));
        }
        return open(g, multiply.apply(g, x), arena, weights, out, in, threads, spinMicros);
    }

    private static LinearSession open(OnnxGraph g, String product, Arena arena, Map<String, OnnxTensor> weights,
                                      int out, int in) throws OrtException {
        return open(g, product, arena, weights, out, in, 1, 0);
    }

    private static LinearSession open(OnnxGraph g, String product, Arena arena, Map<String, OnnxTensor> weights,
                                      int out, int in, int threads, int spinMicros) throws OrtException {
        g.nodeWithOutputs("Identity", new String[] {product}, new String[] {"y"});
        g.output("y", "T", out);
        try {
            return new LinearSession(arena, weights,
                    OrtRuntime.session(OrtRuntime.environment(), g.toBytes(), weights, threads, spinMicros), out, in);
        } catch (OrtException | RuntimeException e) {
            weights.values().forEach(OnnxTensor::close);
            arena.close();
            throw e;
        }
    }

    /** {@code x · Wᵀ} for {@code rows} rows of {@code x}. */
    float[] run(float[] x, int rows) throws OrtException {
        try (OnnxTensor input = OnnxTensor.createTensor(OrtRuntime.environment(), FloatBuffer.wrap(x), new long[] {rows, in});
             OrtSession.Result result = session.run(Map.of("x", input))) {
            float[] y = new float[rows * out];
            ((OnnxTensor) result.get("y").orElseThrow()).getFloatBuffer().get(y);
            return y;
        }
    }

    /** Overwrites the memory the weights were handed in with {@code b} (the session must not read it any more). */
    void overwriteHandedWeights(byte b) {
        for (OnnxTensor t : weights.values()) {
            MemorySegment.ofBuffer(t.getBufferRef().orElseThrow()).fill(b);
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
        weights.values().forEach(OnnxTensor::close);
        arena.close();
    }

    private static long[] longs(int[] shape) {
        return Arrays.stream(shape).asLongStream().toArray();
    }

    /** {@code x · Wᵀ} summed in doubles: what a session's product must be. */
    static float[] product(float[] x, int rows, float[] w, int out, int in) {
        float[] y = new float[rows * out];
        for (int t = 0; t < rows; t++) {
            for (int r = 0; r < out; r++) {
                double sum = 0;
                for (int j = 0; j < in; j++) {
                    sum += (double) x[t * in + j] * w[r * in + j];
                }
                y[t * out + r] = (float) sum;
            }
        }
        return y;
    }

    static float[] gaussian(SplittableRandom rnd, int n, float sigma) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (float) rnd.nextGaussian() * sigma;
        }
        return out;
    }
}

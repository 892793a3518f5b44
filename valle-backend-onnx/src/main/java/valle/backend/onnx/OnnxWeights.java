package valle.backend.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import valle.api.arch.BackboneConfig;
import valle.api.tensor.TensorView;
import valle.api.tensor.WeightFormat;
import valle.api.tensor.Weights;
import valle.kit.quant.BlockQuantizer;

/**
 * The llama graphs' weights as ORT tensors over off-heap memory this object owns and frees on {@link #close}
 * (not the garbage collector's direct buffers, whose memory outlives the model until a collection): every
 * weight widened to float32, or, for {@link WeightFormat#INT8} and {@link WeightFormat#INT4}, the linear layers
 * quantised at load ({@link DynamicInt8Layout} for int8, {@link MatMulNBitsLayout} for int4) (norms stay float32). They live only while
 * the session is made (ORT copies external initializers into its own memory); each checkpoint tensor's mapped
 * pages are released once it has been read, so the file's copy does not stay resident beside this one.
 */
final class OnnxWeights implements AutoCloseable {
    private final Arena arena;
    private final Map<String, OnnxTensor> tensors;
    private final long bytes;

    private OnnxWeights(Arena arena, Map<String, OnnxTensor> tensors, long bytes) {
        this.arena = arena;
        this.tensors = tensors;
        this.bytes = bytes;
    }

    /**
     * The {@link LlamaGraph#graphWeights graph weights} of {@code config} read from {@code w}, the linear ones
     * in {@code format} ({@code F32}, {@code INT8} or {@code INT4}).
     */
    static OnnxWeights load(OrtEnvironment env, BackboneConfig config, Weights w, WeightFormat format)
            throws OrtException {
        Arena arena = Arena.ofShared();
        Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
        long bytes = 0;
        try {
            for (LlamaGraph.GraphWeight gw : LlamaGraph.graphWeights(config)) {
                TensorView[] parts = gw.parts().stream().map(p -> p.require(w)).toArray(TensorView[]::new);
                QuantisedLinear layout = LlamaGraph.layout(gw, format);
                bytes += layout == null ? widen(env, arena, tensors, gw, parts) : quantise(env, arena, tensors, gw, parts, layout);
                for (TensorView part : parts) {
                    part.releaseResidentPages();
                }
            }
            return new OnnxWeights(arena, tensors, bytes);
        } catch (OrtException | RuntimeException e) {
            tensors.values().forEach(OnnxTensor::close);
            arena.close();
            throw e;
        }
    }

    /** The tensors by the names the graphs declare. */
    Map<String, OnnxTensor> tensors() {
        return tensors;
    }

    /** Bytes of off-heap memory the weights take. */
    long bytes() {
        return bytes;
    }

    /** Closes the tensors and frees their memory; the sessions reading them must be closed first. */
    @Override
    public void close() {
        tensors.values().forEach(OnnxTensor::close);
        arena.close();
    }

    /** The parts' rows one after another as float32; returns the bytes taken. */
    private static long widen(OrtEnvironment env, Arena arena, Map<String, OnnxTensor> tensors,
                              LlamaGraph.GraphWeight gw, TensorView[] parts) throws OrtException {
        long size = 0;
        for (TensorView t : parts) {
            size += t.size();
        }
        MemorySegment out = arena.allocate(ValueLayout.JAVA_FLOAT, size);
        long at = 0;
        for (TensorView t : parts) {
            float[] row = new float[t.columns()];
            for (int r = 0; r < t.rows(); r++, at += row.length) {
                t.readRow(r, row, 0);
                MemorySegment.copy(row, 0, out, ValueLayout.JAVA_FLOAT, at * Float.BYTES, row.length);
            }
        }
        tensors.put(gw.name(), OnnxTensor.createTensor(env,
                out.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer(), dims(gw.shape())));
        return out.byteSize();
    }

    /** The parts' rows one after another, quantised in {@code layout}'s three tensors; returns the bytes taken. */
    private static long quantise(OrtEnvironment env, Arena arena, Map<String, OnnxTensor> tensors,
                                 LlamaGraph.GraphWeight gw, TensorView[] parts, QuantisedLinear layout)
            throws OrtException {
        MemorySegment codes = arena.allocate(layout.codesBytes());
        MemorySegment scales = arena.allocate(layout.scalesBytes(), Float.BYTES);
        MemorySegment zeroPoints = layout.hasZeroPoints() ? arena.allocate(layout.zeroPointsBytes()) : MemorySegment.NULL;
        int r = 0;
        for (TensorView t : parts) {
            float[] row = new float[t.columns()];
            for (int i = 0; i < t.rows(); i++, r++) {
                t.readRow(i, row, 0);
                layout.writeRow(r, row, codes, scales, zeroPoints);
            }
        }
        String name = gw.name();
        tensors.put(name, OnnxTensor.createTensor(env, codes.asByteBuffer(), dims(layout.codesShape()), layout.codesType()));
        tensors.put(QuantisedLinear.scalesName(name), OnnxTensor.createTensor(env,
                scales.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer(), dims(layout.scalesShape())));
        if (layout.hasZeroPoints()) {
            tensors.put(QuantisedLinear.zeroPointsName(name), OnnxTensor.createTensor(env, zeroPoints.asByteBuffer(),
                    dims(layout.zeroPointsShape()), OnnxJavaType.UINT8));
        }
        return codes.byteSize() + scales.byteSize() + layout.zeroPointsBytes();
    }

    private static long[] dims(int[] shape) {
        return Arrays.stream(shape).asLongStream().toArray();
    }

    /**
     * Weights a scale (and for int4 a zero point) covers in ORT's {@code MatMulNBits}. 128, not the kit's default
     * 32: ORT's int8-activation kernels do per-block work (a scale multiply, a partial sum) that dominates at small
     * blocks. Measured side by side on a 2-core Sapphire Rapids (2 threads, best of 3 under load): a published-size
     * 665-row bidirectional full pass took 1.90 s with int8 blocks of 32, 1.71 s with 64, 1.44 s with 128 (f32
     * 1.79 s; int4 1.85 s with 32, 1.35 s with 128), and one 665×1024·1024→4096 product 30.9 / 27.6 / 21.0 ms
     * (f32 33.4 ms), a one-row product 0.26 / 0.19 / 0.18 ms.
     */
    static final int BLOCK = 128;

    /** The quantiser of {@code MatMulNBits} weights (int4's; also int8's in tests), blocks of {@link #BLOCK}. */
    static BlockQuantizer quantizer(WeightFormat format) {
        return BlockQuantizer.of(format, BLOCK);
    }
}

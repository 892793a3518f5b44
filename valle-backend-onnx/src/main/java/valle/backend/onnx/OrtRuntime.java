package valle.backend.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;
import valle.api.plugin.Availability;
import valle.api.tensor.TensorView;

/**
 * ONNX Runtime in this JVM: whether its native library loads (once; it is extracted from the jar to a
 * temporary folder on first use), and session options shared by every graph this backend runs.
 */
final class OrtRuntime {
    /**
     * The spin of the pool threads of the session that runs quantised decode steps ({@link #options(int, int)}):
     * measured on the 2-vCPU Xeon, a 12-layer int8 step over 660 cached rows, two backbones stepping in turn in
     * one JVM (same bits): 14.0-14.3 → 13.1-13.6 ms (min over 80) idle, and 16.3 → 16.0 (median 21.8 → 19.2) ms
     * beside a process keeping one core busy, where 20 µs lost (median 17.4 → 25.1 ms).
     */
    static final int DECODE_SPIN_MICROS = 10;

    private OrtRuntime() {
    }

    /** Loaded on first use, so that listing plugins costs nothing until someone asks. */
    private static final class Loaded {
        static final Availability AVAILABILITY = load();

        private static Availability load() {
            try {
                // the native library's static initialisers run where the class is first touched: see LargeStack
                LargeStack.call("valle-ort-load", OrtEnvironment::getEnvironment);
                return Availability.yes();
            } catch (RuntimeException | LinkageError e) {
                return Availability.no("ONNX Runtime's native library does not load here: " + e.getMessage(),
                        "use a platform the onnxruntime jar ships natives for (linux-x64, linux-aarch64, "
                                + "osx-aarch64, win-x64), or --backend java");
            }
        }
    }

    static Availability availability() {
        return Loaded.AVAILABILITY;
    }

    static OrtEnvironment environment() {
        Availability a = availability();
        if (!a.ok()) {
            throw new IllegalStateException(a.toString());
        }
        return OrtEnvironment.getEnvironment();
    }

    /** Whether ORT's CUDA provider is present (the onnxruntime_gpu artifact with a GPU); never on this build's CPU jar. */
    static boolean hasCuda() {
        return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    }

    /**
     * Options for one session: every graph optimisation, {@code threads} threads inside an operator and one
     * between operators (the graphs are chains), no spinning, initializers allocated one by one, CUDA first
     * when present.
     */
    static OrtSession.SessionOptions options(int threads) throws OrtException {
        return options(threads, 0);
    }

    /**
     * As {@link #options(int)}, but with pool threads that spin for {@code spinMicros} µs after their share of an
     * operator before they sleep (none: 0). A decode step runs some 60 parallel operators of 0.1-0.5 ms with short
     * single-threaded ones between: a sleeping worker's wake-up cost a published-size int8 step about 1 ms of its
     * 14-15 ms on the 2-core machine, and a spin of {@link #DECODE_SPIN_MICROS} µs bridges those gaps. Longer spins
     * took the core that a busy machine's other threads need (40 µs beside one core kept busy: 17.5 → 26.5 ms).
     */
    static OrtSession.SessionOptions options(int threads, int spinMicros) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        options.setIntraOpNumThreads(threads);
        options.setInterOpNumThreads(1);
        // calls come with ever new shapes (rows, and the cache's length or capacity): patterns per shape rarely repeat
        options.setMemoryPatternOptimization(false);
        // idle pool threads sleep instead of spinning: spinning takes the cores that the JVM's and other processes'
        // threads need (a 6-layer decode step on 2 busy cores: 137 ms spinning, 38-51 ms without)
        options.addConfigEntry("session.intra_op.allow_spinning", spinMicros > 0 ? "1" : "0");
        if (spinMicros > 0) {
            options.addConfigEntry("session.intra_op.spin_duration_us", Integer.toString(spinMicros));
        }
        // initializers allocated one by one instead of in one planned arena block, which ORT fills even where the
        // weights are external ones it reads in place: a 12-layer f32 llama session without pre-packing grew the
        // process by 780 MB (the weights' size again) with the block, by nothing without; the same outputs
        options.addConfigEntry("session.use_device_allocator_for_initializers", "1");
        if (hasCuda()) {
            options.addCUDA();
        }
        return options;
    }

    /**
     * A session of {@code model} whose declared weights ({@link OnnxGraph#weight}) are {@code weights}. ORT copies
     * them into memory of its own (packing the linear ones for its matrix products, and then keeping only the
     * packed copy), so the caller may free them once the session is made; {@code OrtRuntimeTest} pins that.
     */
    static OrtSession session(OrtEnvironment env, byte[] model, Map<String, OnnxTensor> weights, int threads)
            throws OrtException {
        return session(env, model, weights, threads, 0);
    }

    /** As {@link #session(OrtEnvironment, byte[], Map, int)} with pool threads spinning {@code spinMicros} µs ({@link #options(int, int)}). */
    static OrtSession session(OrtEnvironment env, byte[] model, Map<String, OnnxTensor> weights, int threads,
                              int spinMicros) throws OrtException {
        try (OrtSession.SessionOptions options = options(threads, spinMicros)) {
            options.addExternalInitializers(new HashMap<String, OnnxTensorLike>(weights));
            return env.createSession(model, options);
        }
    }

    /** The tensor as float32 in a direct buffer ORT uses without copying, of its own shape; read a row at a time. */
    static OnnxTensor widened(OrtEnvironment env, TensorView t) throws OrtException {
        return widened(env, t.shape(), t);
    }

    /** The tensors' rows one after another, as float32 in a direct buffer of shape {@code shape}. */
    static OnnxTensor widened(OrtEnvironment env, int[] shape, TensorView... parts) throws OrtException {
        long size = 0;
        for (TensorView t : parts) {
            size += t.size();
        }
        FloatBuffer out = ByteBuffer.allocateDirect(Math.multiplyExact(Math.toIntExact(size), 4))
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (TensorView t : parts) {
            float[] row = new float[t.columns()];
            for (int r = 0; r < t.rows(); r++) {
                t.readRow(r, row, 0);
                out.put(row);
            }
        }
        return OnnxTensor.createTensor(env, out.flip(), java.util.Arrays.stream(shape).asLongStream().toArray());
    }
}

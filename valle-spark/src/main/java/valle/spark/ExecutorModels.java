package valle.spark;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkEnv;
import valle.api.tensor.WeightFormat;
import valle.core.Valle;

/**
 * The models of this JVM: one {@link LoadedModel} per {@link ModelSpec}, loaded by the first task that needs it and
 * kept for every later task, partition and job of the executor (a model takes seconds to load and hundreds of MB to
 * hold; loading it per row or per task would cost more than the speech). Held until the JVM exits, never closed:
 * a shutdown hook that closed it would free ONNX Runtime's native session under a task still running in it (a
 * SIGTERM to a busy executor crashed it so), and the process's end frees it all anyway.
 */
final class ExecutorModels {
    private static final Map<ModelSpec, LoadedModel> MODELS = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    private ExecutorModels() {
    }

    /** The model of {@code spec}, loading it on first use; concurrent first uses wait for one load. */
    static LoadedModel get(ModelSpec spec) {
        return MODELS.computeIfAbsent(spec, ExecutorModels::load);
    }

    /** How many models this JVM has loaded: what the tests check "once per executor" with. */
    static int loads() {
        return LOADS.get();
    }

    private static LoadedModel load(ModelSpec spec) {
        if (spec.model() == null) {
            throw new IllegalArgumentException("no model: SynthesisOptions.builder().model(path to the .sft checkpoint)");
        }
        if (spec.vocoder() == null) {
            throw new IllegalArgumentException("no vocoder: SynthesisOptions.builder().vocoder(path to the Vocos or EnCodec weights)");
        }
        Valle.Builder builder = Valle.builder().model(Path.of(spec.model())).vocoder(Path.of(spec.vocoder()))
                .arch(spec.arch()).attention(spec.attention()).backend(spec.backend())
                .threads(spec.threads() > 0 ? spec.threads() : executorCores());
        if (spec.codec() != null) {
            builder.codec(Path.of(spec.codec()));
        }
        WeightFormat.parseChoice(spec.weights()).ifPresent(builder::weights);
        LoadedModel model = new LoadedModel(builder.build());
        LOADS.incrementAndGet();
        return model;
    }

    /** The executor's cores: its tasks at once share the model's pools. In local mode, the machine's processors. */
    private static int executorCores() {
        SparkEnv env = SparkEnv.get();
        int cores = env == null ? 0 : env.conf().getInt("spark.executor.cores", 0);
        return cores > 0 ? cores : Runtime.getRuntime().availableProcessors();
    }
}

package valle.core.lora;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import valle.api.ModelFormatException;
import valle.api.tensor.ArrayTensor;
import valle.api.tensor.TensorView;
import valle.api.tensor.Weights;
import valle.core.load.SafetensorsFile;

/**
 * A LoRA file as the reference exports it ({@code lora.sft}: only {@code <module>.lora_A [rank, in]} and
 * {@code <module>.lora_B [out, rank]} tensors, the LoRA config in the metadata), matched against one model.
 * Every adapter must name a linear layer of the model ({@code <module>.weight [out, in]}) with the same
 * shapes; anything else is refused, listing the adapters that do not fit. The adapted weights are views over
 * both files, so the adapter stays open as long as the model using it.
 */
public final class LoraAdapter implements AutoCloseable {
    private static final String A = ".lora_A";
    private static final String B = ".lora_B";

    private final SafetensorsFile file;
    private final LoraConfig config;
    private final Map<String, TensorView[]> modules;

    private LoraAdapter(SafetensorsFile file, LoraConfig config, Map<String, TensorView[]> modules) {
        this.file = file;
        this.config = config;
        this.modules = modules;
    }

    /**
     * Opens {@code path} and checks it against {@code model} (the model's tensors by their file names).
     *
     * @throws ModelFormatException when the file is malformed or an adapter fits no layer of the model
     */
    public static LoraAdapter open(Path path, Weights model) {
        SafetensorsFile file = SafetensorsFile.open(path);
        try {
            String source = file.source();
            String json = file.metadata().get("config");
            if (json == null) {
                throw new ModelFormatException(source + ": the safetensors metadata has no 'config' entry; is this "
                        + "a LoRA exported by vall_e.export --lora?");
            }
            LoraConfig config = LoraConfig.parse(json, source);
            Map<String, TensorView[]> modules = pair(file, config);
            List<String> misfits = new ArrayList<>();
            for (Map.Entry<String, TensorView[]> e : modules.entrySet()) {
                misfit(e.getKey(), e.getValue(), model).ifPresent(misfits::add);
            }
            if (!misfits.isEmpty()) {
                throw new ModelFormatException(source + ": " + misfits.size() + " of " + modules.size()
                        + " adapters do not fit " + model.source() + " (is this LoRA for another model?): "
                        + String.join(", ", misfits));
            }
            return new LoraAdapter(file, config, modules);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    public LoraConfig config() {
        return config;
    }

    /** The adapted modules' names ({@code model.layers.0.self_attn.q_proj}, ...), sorted. */
    public Set<String> modules() {
        return modules.keySet();
    }

    /**
     * The update {@code scaling · B A [out, in]} the adapter of {@code module} adds to its weight.
     *
     * @throws IllegalArgumentException when the file has no adapter for {@code module}
     */
    public float[] delta(String module) {
        TensorView[] ab = modules.get(module);
        if (ab == null) {
            throw new IllegalArgumentException(file.source() + " has no adapter for '" + module + "'");
        }
        int out = ab[1].rows();
        int in = ab[0].columns();
        TensorView zero = new ArrayTensor(module + ".weight", new int[] {out, in}, new float[out * in]);
        return new LowRankTensor(zero, ab[0], ab[1], config.scaling()).toFloatArray();
    }

    /**
     * {@code model}'s tensors with every adapted weight replaced: applied on the fly ({@code merge} false), or
     * merged into a float32 copy now ({@code merge} true: {@code W + scaling · B A}, the adapter's cost paid
     * once at load).
     */
    public Weights adapt(Weights model, boolean merge) {
        List<TensorView> tensors = new ArrayList<>();
        for (String name : model.names()) {
            TensorView base = model.find(name).orElseThrow();
            TensorView[] ab = name.endsWith(".weight") ? modules.get(name.substring(0, name.length() - 7)) : null;
            if (ab == null) {
                tensors.add(base);
                continue;
            }
            TensorView adapted = new LowRankTensor(base, ab[0], ab[1], config.scaling());
            tensors.add(merge ? new ArrayTensor(name, adapted.shape(), adapted.toFloatArray()) : adapted);
        }
        return Weights.of(model.source() + " + " + file.source(), tensors);
    }

    @Override
    public void close() {
        file.close();
    }

    /** Groups the file's tensors by module; a tensor that is not a lora_A / lora_B, or half a pair, is refused. */
    private static Map<String, TensorView[]> pair(SafetensorsFile file, LoraConfig config) {
        Map<String, TensorView[]> modules = new TreeMap<>();
        for (String name : file.names()) {
            boolean isA = name.endsWith(A);
            if (!isA && !name.endsWith(B)) {
                throw new ModelFormatException(file.source() + ": tensor '" + name + "' is not a LoRA tensor "
                        + "(<module>.lora_A / <module>.lora_B); a LoRA file holds nothing else");
            }
            String module = name.substring(0, name.length() - A.length());
            modules.computeIfAbsent(module, m -> new TensorView[2])[isA ? 0 : 1] = file.find(name).orElseThrow();
        }
        if (modules.isEmpty()) {
            throw new ModelFormatException(file.source() + ": the LoRA file holds no adapters");
        }
        for (Map.Entry<String, TensorView[]> e : modules.entrySet()) {
            TensorView[] ab = e.getValue();
            if (ab[0] == null || ab[1] == null) {
                throw new ModelFormatException(file.source() + ": adapter '" + e.getKey() + "' has "
                        + (ab[0] == null ? "lora_B but no lora_A" : "lora_A but no lora_B"));
            }
            if (ab[0].shape().length != 2 || ab[0].shape()[0] != config.rank()) {
                throw new ModelFormatException(file.source() + ": '" + e.getKey() + A + "' has shape "
                        + Arrays.toString(ab[0].shape()) + ", expected [" + config.rank() + ", in] for rank "
                        + config.rank());
            }
        }
        return modules;
    }

    /** Why adapter {@code module} does not fit {@code model}, if it does not. */
    private static Optional<String> misfit(String module, TensorView[] ab, Weights model) {
        Optional<TensorView> base = model.find(module + ".weight");
        if (base.isEmpty() || base.get().shape().length != 2) {
            return Optional.of(module + " (no such linear layer)");
        }
        int out = base.get().shape()[0];
        int in = base.get().shape()[1];
        int rank = ab[0].shape()[0];
        if (ab[0].shape()[1] != in || !Arrays.equals(ab[1].shape(), new int[] {out, rank})) {
            return Optional.of(module + " (lora_A " + Arrays.toString(ab[0].shape()) + ", lora_B "
                    + Arrays.toString(ab[1].shape()) + " for a weight " + Arrays.toString(base.get().shape()) + ")");
        }
        return Optional.empty();
    }
}

package valle.core.model;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import valle.api.ModelFormatException;
import valle.api.arch.Arch;
import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.attention.AttentionKernel;
import valle.core.load.SafetensorsFile;

/**
 * A loaded VALL-E checkpoint: its config and detected layout, the sequence builder, the backbone and the
 * classifier heads. Owns the mapped file: closing the model releases it, after which use throws
 * {@link IllegalStateException}. Thread-safe; one model serves concurrent requests.
 */
public final class ValleModel implements AutoCloseable {
    private final String name;
    private final SafetensorsFile file;
    private final ModelConfig config;
    private final ModelLayout layout;
    private final SequenceBuilder sequences;
    private final ClassifierHeads heads;
    private final Backbone backbone;
    private volatile boolean closed;

    private ValleModel(String name, SafetensorsFile file, ModelConfig config, ModelLayout layout,
                       SequenceBuilder sequences, ClassifierHeads heads, Backbone backbone) {
        this.name = name;
        this.file = file;
        this.config = config;
        this.layout = layout;
        this.sequences = sequences;
        this.heads = heads;
        this.backbone = backbone;
    }

    /**
     * Opens a {@code .sft} checkpoint and builds its backbone with {@code arch} and {@code attention}. The file
     * is validated before any plugin is chosen; on any failure it is closed again before the exception leaves.
     *
     * @throws ModelFormatException when the file, its config or its tensors are malformed
     */
    public static ValleModel load(Path path, ArchResolver archs, Supplier<AttentionKernel> attention) {
        SafetensorsFile file = SafetensorsFile.open(path);
        try {
            String source = file.source();
            String configJson = file.metadata().get("config");
            if (configJson == null) {
                throw new ModelFormatException(source + ": the safetensors metadata has no 'config' entry; "
                        + "is this a VALL-E checkpoint exported by vall_e.export?");
            }
            ModelConfig config = ModelConfig.parse(configJson, source);
            // the symbol map is read lazily, but a broken one marks a broken file: refuse it before use
            symbolMap(file);
            ModelLayout layout = ModelLayout.detect(config, file);
            SequenceBuilder sequences = new SequenceBuilder(config, layout, file);
            ClassifierHeads heads = new ClassifierHeads(layout, file);
            BackboneConfig backboneConfig = new BackboneConfig(
                    config.experts() > 1 ? "mixtral" : config.archType(),
                    layout.hiddenSize(), layout.attentionHeads(),
                    // the reference ignores experimental.kv_heads for llama: always H key/value heads
                    layout.attentionHeads(),
                    layout.layers(), layout.intermediateSize(), 1e-6f, 10000f, "gelu", Map.of());
            Arch arch = archs.resolve(backboneConfig);
            Backbone backbone = arch.open(backboneConfig, file.scoped("model."), attention.get());
            String name = path.getFileName().toString().replaceFirst("\\.sft$", "");
            return new ValleModel(name, file, config, layout, sequences, heads, backbone);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** Picks the arch plugin for a backbone config (by name or {@code auto}). */
    @FunctionalInterface
    public interface ArchResolver {
        Arch resolve(BackboneConfig config);
    }

    /** The checkpoint's file name without {@code .sft}. */
    public String name() {
        return name;
    }

    public ModelConfig config() {
        return config;
    }

    public ModelLayout layout() {
        return layout;
    }

    public SequenceBuilder sequences() {
        ensureOpen();
        return sequences;
    }

    public Backbone backbone() {
        ensureOpen();
        return backbone;
    }

    public ClassifierHeads heads() {
        ensureOpen();
        return heads;
    }

    /** The checkpoint's {@code __metadata__} entries (JSON strings: {@code config}, {@code userdata}, ...). */
    public Map<String, String> metadata() {
        return file.metadata();
    }

    /**
     * The phoneme vocabulary the checkpoint was trained with ({@code userdata.symmap}), or an empty map when
     * the file does not carry one.
     *
     * @throws ModelFormatException when {@code userdata} or its {@code symmap} is present but malformed
     */
    public Map<String, Integer> symbolMap() {
        return symbolMap(file);
    }

    private static Map<String, Integer> symbolMap(SafetensorsFile file) {
        String userdata = file.metadata().get("userdata");
        if (userdata == null) {
            return Map.of();
        }
        Map<String, Object> parsed = valle.core.load.Json.parseObject(userdata, file.source() + " userdata");
        Object found = parsed.get("symmap");
        if (found == null) {
            return Map.of();
        }
        if (!(found instanceof Map<?, ?> symmap)) {
            throw new ModelFormatException(file.source() + ": userdata.symmap is " + valle.core.load.Json.typeName(found)
                    + ", not an object of phoneme -> token id");
        }
        Map<String, Integer> out = new java.util.LinkedHashMap<>();
        for (Map.Entry<?, ?> e : symmap.entrySet()) {
            if (!(e.getValue() instanceof Long id) || id < 0 || id > Integer.MAX_VALUE) {
                throw new ModelFormatException(file.source() + ": userdata.symmap entry '" + e.getKey()
                        + "' is not a token id: " + e.getValue());
            }
            out.put((String) e.getKey(), id.intValue());
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    /** Final hidden states {@code [rows, D]} of a full pass over {@code sequence}. */
    public float[] hidden(InputSequence sequence) {
        ensureOpen();
        return backbone.forward(sequence.toBackboneInput());
    }

    /** Logits {@code [rows, classes]} of the last {@code rows} rows of {@code hidden}, with the sequence's head. */
    public float[] logits(InputSequence sequence, float[] hidden, int rows) {
        ensureOpen();
        return heads.logits(sequence.head(), hidden, sequence.rows() - rows, rows);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            backbone.close();
            file.close();
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("model '" + name + "' is closed");
        }
    }
}

package valle.core.model;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import valle.api.ModelFormatException;
import valle.api.UnbuildableModelException;
import valle.api.arch.Arch;
import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.attention.AttentionKernel;
import valle.api.tensor.WeightFormat;
import valle.core.load.SafetensorsFile;
import valle.core.lora.LoraAdapter;
import valle.core.lora.LoraConfig;
import valle.core.lora.LoraOptions;
import valle.kit.io.Json;

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
    /** The backbone over the base weights; null when a LoRA serves every level. */
    private final Backbone base;
    /** The backbone over the LoRA-adapted weights; null without a LoRA. */
    private final Backbone adapted;
    /** Which levels {@link #adapted} serves; null without a LoRA. */
    private final LoraConfig lora;
    private final LoraAdapter adapter;
    /** The arch plugin that built the backbones. */
    private final Arch arch;
    /** The model this one is a view of ({@link #through}); null for a loaded model. */
    private final ValleModel owner;
    private volatile boolean closed;

    private ValleModel(String name, SafetensorsFile file, ModelConfig config, ModelLayout layout,
                       SequenceBuilder sequences, ClassifierHeads heads, Arch arch, Backbone base, Backbone adapted,
                       LoraConfig lora, LoraAdapter adapter, ValleModel owner) {
        this.name = name;
        this.file = file;
        this.config = config;
        this.layout = layout;
        this.sequences = sequences;
        this.heads = heads;
        this.base = base;
        this.adapted = adapted;
        this.lora = lora;
        this.adapter = adapter;
        this.arch = arch;
        this.owner = owner;
    }

    /**
     * Opens a {@code .sft} checkpoint and builds its backbone with {@code arch} and {@code attention}. The file
     * is validated before any plugin is chosen; on any failure it is closed again before the exception leaves.
     *
     * @throws ModelFormatException when the file, its config or its tensors are malformed
     */
    public static ValleModel load(Path path, ArchResolver archs, Supplier<AttentionKernel> attention) {
        return load(path, null, null, archs, attention);
    }

    /**
     * As {@link #load(Path, ArchResolver, Supplier)}, with a LoRA adapter (or none, when {@code lora} is
     * null) and the format the backbone's linear layers are stored in (null: each tensor's file dtype). The
     * adapter is checked against the model before the backbone is built; when it is active for some RVQ levels
     * only, the other levels run a second backbone over the base weights.
     *
     * @throws ModelFormatException when the LoRA file is malformed or does not fit the model
     * @throws UnbuildableModelException when the chosen arch cannot store its weights in {@code format}
     */
    public static ValleModel load(Path path, LoraOptions lora, WeightFormat format, ArchResolver archs,
                                  Supplier<AttentionKernel> attention) {
        SafetensorsFile file = SafetensorsFile.open(path);
        LoraAdapter adapter = null;
        Backbone base = null;
        Backbone adapted = null;
        try {
            String source = file.source();
            String configJson = file.metadata().get("config");
            if (configJson == null) {
                throw new ModelFormatException(source + ": the safetensors metadata has no 'config' entry; "
                        + "is this a VALL-E checkpoint exported by vall_e.export?");
            }
            ModelConfig config = ModelConfig.parse(configJson, source);
            ReferenceGaps.check(config, source);
            // the symbol map is read lazily, but a broken one marks a broken file: refuse it before use
            symbolMap(file);
            ModelLayout layout = ModelLayout.detect(config, file);
            SequenceBuilder sequences = new SequenceBuilder(config, layout, file);
            ClassifierHeads heads = new ClassifierHeads(layout, file);
            BackboneConfig backboneConfig = BackboneSettings.of(config, layout, file.scoped("model."));
            Arch arch = archs.resolve(backboneConfig);
            if (format != null && !arch.supportsFormat(format).ok()) {
                throw new UnbuildableModelException(source + ": " + arch.supportsFormat(format));
            }
            LoraConfig levels = null;
            if (lora != null) {
                adapter = LoraAdapter.open(lora.file(), file);
                levels = lora.rvqLevels() == null ? adapter.config() : adapter.config().withLevels(lora.rvqLevels());
                adapted = arch.open(backboneConfig, adapter.adapt(file, lora.merge()).scoped("model.").requesting(format),
                        attention.get());
            }
            if (adapted == null || !levels.rvqLevels().isEmpty()) {
                base = arch.open(backboneConfig, file.scoped("model.").requesting(format), attention.get());
            }
            String name = path.getFileName().toString().replaceFirst("\\.sft$", "");
            return new ValleModel(name, file, config, layout, sequences, heads, arch, base, adapted, levels, adapter, null);
        } catch (RuntimeException e) {
            if (base != null) {
                base.close();
            }
            if (adapted != null) {
                adapted.close();
            }
            if (adapter != null) {
                adapter.close();
            }
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

    /** The arch plugin whose backbones serve this model (under {@code auto}, the one it chose: name and backend). */
    public Arch arch() {
        return arch;
    }

    /** The backbone of the AR passes (RVQ level 0). */
    public Backbone backbone() {
        return backbone(0);
    }

    /**
     * The backbone that serves passes for RVQ level {@code level}: with a LoRA, the adapted one at the levels
     * the LoRA is active for and the base one elsewhere (the reference's per-level {@code enable_lora}).
     */
    public Backbone backbone(int level) {
        ensureOpen();
        return adapted != null && lora.activeAt(level) ? adapted : base;
    }

    /**
     * This model with its backbones seen through {@code view} (a scheduler's batching view of each): everything
     * else is shared. Closing the view does nothing; it stops working when this model is closed.
     */
    public ValleModel through(java.util.function.UnaryOperator<Backbone> view) {
        ensureOpen();
        return new ValleModel(name, file, config, layout, sequences, heads, arch,
                base == null ? null : view.apply(base), adapted == null ? null : view.apply(adapted), lora, adapter,
                owner == null ? this : owner);
    }

    /** The LoRA loaded with the model, with the levels it serves, if any. */
    public java.util.Optional<LoraConfig> lora() {
        return java.util.Optional.ofNullable(lora);
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
        Map<String, Object> parsed = Json.parseObject(userdata, file.source() + " userdata");
        Object found = parsed.get("symmap");
        if (found == null) {
            return Map.of();
        }
        if (!(found instanceof Map<?, ?> symmap)) {
            throw new ModelFormatException(file.source() + ": userdata.symmap is " + Json.typeName(found)
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
        return backbone(sequence.rvqLevel()).forward(sequence.toBackboneInput());
    }

    /**
     * Final hidden states of full passes over several independent sequences (CFG's conditional and null
     * passes), in order; sequences of one RVQ level go to their backbone as one batch, which may read its
     * weights once for all.
     */
    public java.util.List<float[]> hidden(java.util.List<InputSequence> sequences) {
        ensureOpen();
        int level = sequences.isEmpty() ? 0 : sequences.getFirst().rvqLevel();
        if (sequences.stream().anyMatch(s -> s.rvqLevel() != level)) {
            return sequences.stream().map(this::hidden).toList();
        }
        return backbone(level).forward(sequences.stream().map(InputSequence::toBackboneInput).toList());
    }

    /** Logits {@code [rows, classes]} of the last {@code rows} rows of {@code hidden}, with the sequence's head. */
    public float[] logits(InputSequence sequence, float[] hidden, int rows) {
        ensureOpen();
        return heads.logits(sequence.head(), hidden, sequence.rows() - rows, rows);
    }

    @Override
    public void close() {
        if (owner == null && !closed) {
            closed = true;
            if (base != null) {
                base.close();
            }
            if (adapted != null) {
                adapted.close();
                adapter.close();
            }
            heads.close();
            file.close();
        }
    }

    private void ensureOpen() {
        if (closed || owner != null && owner.closed) {
            throw new IllegalStateException("model '" + name + "' is closed");
        }
    }
}

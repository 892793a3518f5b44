package valle.spark;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What a batch job makes its speech with and where it goes: the model files (paths every executor can read: shipped
 * with {@code --files}/{@code --archives} or on shared storage), the voices folder, the output folder (a local path
 * or any Hadoop file system URI), the manifest's format and the sampling settings every row starts from. Immutable
 * and serializable: the driver ships it to the executors with each task.
 */
public final class SynthesisOptions implements Serializable {
    private static final long serialVersionUID = 1L;

    /** How the manifest table is written. */
    public enum ManifestFormat { PARQUET, CSV }

    private final String output;
    private final ModelSpec model;
    private final String voices;
    private final ManifestFormat manifestFormat;
    private final Map<String, String> sampling;

    private SynthesisOptions(Builder b) {
        this.output = Objects.requireNonNull(b.output, "the output folder: SynthesisOptions.builder().output(dir)");
        this.model = new ModelSpec(b.model, b.codec, b.vocoder, b.arch, b.attention, b.backend, b.weights, b.threads);
        this.voices = b.voices;
        this.manifestFormat = b.manifestFormat;
        this.sampling = Map.copyOf(b.sampling);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The output folder: one {@code <id>.wav} per row, and the manifest under {@code manifest/}. */
    public String output() {
        return output;
    }

    /** What each executor loads once. */
    public ModelSpec model() {
        return model;
    }

    /** The folder the {@code voice} column's names are looked up in, or {@code null} for none. */
    public String voices() {
        return voices;
    }

    public ManifestFormat manifestFormat() {
        return manifestFormat;
    }

    /** Sampling settings for every row, as the reference's flat kwargs; a row's own columns override them. */
    public Map<String, String> sampling() {
        return sampling;
    }

    /** Settings of {@link SynthesisOptions}. Not thread-safe. */
    public static final class Builder {
        private String output;
        private String model;
        private String codec;
        private String vocoder;
        private String arch;
        private String attention;
        private String backend;
        private String weights;
        private int threads;
        private String voices;
        private ManifestFormat manifestFormat = ManifestFormat.PARQUET;
        private final Map<String, String> sampling = new LinkedHashMap<>();

        private Builder() {
        }

        /** The output folder: a local path or a Hadoop file system URI ({@code hdfs://…}, {@code s3a://…}). */
        public Builder output(String folder) {
            this.output = folder;
            return this;
        }

        /** The checkpoint ({@code .sft}) as every executor sees it. */
        public Builder model(String path) {
            this.model = path;
            return this;
        }

        /** EnCodec weights that encode voice recordings (needed only for WAV voices). */
        public Builder codec(String path) {
            this.codec = path;
            return this;
        }

        /** Weights that turn codes into audio (Vocos or EnCodec). */
        public Builder vocoder(String path) {
            this.vocoder = path;
            return this;
        }

        /** The arch plugin by name; {@code null} for auto. */
        public Builder arch(String name) {
            this.arch = name;
            return this;
        }

        /** The attention kernel by name; {@code null} for auto. */
        public Builder attention(String name) {
            this.attention = name;
            return this;
        }

        /** The compute backend ({@code java}, {@code onnx}, {@code djl}); {@code null} for auto. */
        public Builder backend(String name) {
            this.backend = name;
            return this;
        }

        /** How the backbone's linear layers are stored ({@code f32}, {@code bf16}, {@code int8}, …); {@code null} keeps the file's. */
        public Builder weights(String format) {
            this.weights = format;
            return this;
        }

        /**
         * Threads of the model's pools on each executor, shared by the tasks it runs at once; 0 (the default) takes
         * the executor's cores ({@code spark.executor.cores}, in local mode the master's thread count).
         */
        public Builder threads(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("threads must be >= 0 (0: the executor's cores), got " + n);
            }
            this.threads = n;
            return this;
        }

        /** The folder of voice prompts: a row's voice {@code NAME} is {@code NAME.npy}, {@code NAME.enc} or {@code NAME.wav} there. */
        public Builder voices(String folder) {
            this.voices = folder;
            return this;
        }

        public Builder manifestFormat(ManifestFormat format) {
            this.manifestFormat = Objects.requireNonNull(format, "format");
            return this;
        }

        /** A sampling setting for every row ({@code max_duration}, {@code ar_temperature}, …), overridden by a column of the same name. */
        public Builder sampling(String key, Object value) {
            sampling.put(key.toLowerCase(Locale.ROOT), String.valueOf(value));
            return this;
        }

        public SynthesisOptions build() {
            return new SynthesisOptions(this);
        }
    }
}

package valle.codec.vocos;

import java.nio.file.Files;
import java.nio.file.Path;
import valle.api.ModelFormatException;
import valle.api.codec.AudioCodec;
import valle.api.codec.CodecWeights;
import valle.api.codec.Codes;
import valle.api.tensor.Weights;
import valle.codec.io.ConfigMap;
import valle.codec.io.WeightBinder;
import valle.codec.io.WeightFile;
import valle.codec.io.Yaml;
import valle.codec.nn.Signal;
import valle.codec.nn.Taps;
import valle.kit.thread.KernelPool;

/**
 * A loaded Vocos model decoding EnCodec codes, as vall-e calls it: {@code codes_to_features} (the sum over the
 * given levels of {@code codebook_weights[k·1024 + code]}, the rows of EnCodec's codebooks 0..15), the backbone
 * and the ISTFT head under the bandwidth vall-e picks for the level count. Decode only. Thread-safe.
 */
final class VocosModel implements AudioCodec {
    /** vall-e decodes 8 levels (6 kbps). */
    private static final int VALLE_LEVELS = 8;

    private final VocosConfig config;
    private final int levels;
    private final float[] codebooks;
    private final VocosBackbone backbone;
    private final IstftHead head;
    private final KernelPool par;
    private volatile boolean closed;

    private VocosModel(VocosConfig config, WeightBinder w, KernelPool par) {
        this.config = config;
        int[] shape = w.isRandom() ? new int[] {16 * VocosConfig.BINS, config.inputChannels()} : w.shape("feature_extractor.codebook_weights");
        if (shape == null || shape.length != 2 || shape[0] % VocosConfig.BINS != 0 || shape[0] == 0) {
            throw new ModelFormatException(w.source() + ": tensor 'feature_extractor.codebook_weights' is "
                    + (shape == null ? "missing (is this a Vocos checkpoint of EnCodec features?)"
                    : "of shape " + java.util.Arrays.toString(shape) + ", not [levels * 1024, input_channels]"));
        }
        this.levels = shape[0] / VocosConfig.BINS;
        this.codebooks = w.drawUnit("feature_extractor.codebook_weights", levels * VocosConfig.BINS, config.inputChannels());
        this.backbone = new VocosBackbone(w, config);
        this.head = new IstftHead(w, config);
        // from_pretrained injects the EnCodec model's own tensors; a checkpoint that carries them is still Vocos
        w.checkAllUsed(n -> n.startsWith("feature_extractor.encodec."), "a Vocos model");
        this.par = par;
    }

    private static VocosModel of(VocosConfig config, WeightBinder w) {
        KernelPool par = KernelPool.configured("valle-codec");
        try {
            return new VocosModel(config, w, par);
        } catch (RuntimeException e) {
            par.close();
            throw e;
        }
    }

    static VocosModel of(VocosConfig config, Weights weights) {
        return of(config, WeightBinder.of(weights, n -> n));
    }

    /** The published model's shapes with random weights (benchmarks). */
    static VocosModel random(long seed) {
        return of(VocosConfig.published(), WeightBinder.random("Vocos", seed));
    }

    /**
     * Loads from a folder with {@code config.yaml} and {@code model.safetensors} or {@code pytorch_model.bin}
     * (the hub's {@code charactr/vocos-encodec-24khz}), or from one of those weight files with the
     * {@code config.yaml} beside it.
     */
    static VocosModel open(Path location) {
        Loaded files = Loaded.of(location);
        return of(files.config(), files.weights());
    }

    /** {@link #open}'s files as the tensors the model is built from and {@link VocosConfig#settings}. */
    static CodecWeights readWeights(Path location) {
        Loaded files = Loaded.of(location);
        return handedOut(files.config(), WeightBinder.of(files.weights(), n -> n));
    }

    /** {@link #random}'s weights, handed out. */
    static CodecWeights randomWeights(long seed) {
        return handedOut(VocosConfig.published(), WeightBinder.random("Vocos", seed));
    }

    private static CodecWeights handedOut(VocosConfig config, WeightBinder w) {
        VocosModel model = of(config, w);
        model.close();
        return new CodecWeights("vocos", w.source(), config.settings(model.maxLevels(), model.levels()), w.handedOut());
    }

    /** A Vocos model's weight file, read, and the config.yaml beside it. */
    private record Loaded(VocosConfig config, Weights weights) {
        static Loaded of(Path location) {
            Path weightsFile;
            Path dir;
            if (Files.isDirectory(location)) {
                dir = location;
                weightsFile = Files.isRegularFile(dir.resolve("model.safetensors"))
                        ? dir.resolve("model.safetensors") : dir.resolve("pytorch_model.bin");
                if (!Files.isRegularFile(weightsFile)) {
                    throw new ModelFormatException(dir + ": no model.safetensors or pytorch_model.bin (Vocos weights: the "
                            + "hub folder charactr/vocos-encodec-24khz)");
                }
            } else if (Files.isRegularFile(location)) {
                weightsFile = location;
                dir = location.toAbsolutePath().getParent();
            } else {
                throw new ModelFormatException(location + ": no such file or folder (Vocos weights: the hub folder "
                        + "charactr/vocos-encodec-24khz with config.yaml and pytorch_model.bin)");
            }
            Path yaml = dir.resolve("config.yaml");
            VocosConfig config = VocosConfig.fromYaml(new ConfigMap(Yaml.parse(WeightFile.text(yaml, "the Vocos "
                    + "config.yaml that goes with " + weightsFile.getFileName()), yaml.toString()), yaml.toString()));
            return new Loaded(config, WeightFile.read(weightsFile));
        }
    }

    VocosConfig config() {
        return config;
    }

    @Override
    public int sampleRate() {
        return VocosConfig.SAMPLE_RATE;
    }

    @Override
    public int levels() {
        return Math.min(VALLE_LEVELS, levels);
    }

    @Override
    public int maxLevels() {
        return levels;
    }

    @Override
    public int codebookSize() {
        return VocosConfig.BINS;
    }

    @Override
    public double frameRate() {
        return (double) VocosConfig.SAMPLE_RATE / config.hop();
    }

    @Override
    public Codes encode(float[] pcm, int levels) {
        throw new UnsupportedOperationException("vocos only decodes; encode with the encodec codec");
    }

    @Override
    public float[] decode(Codes codes) {
        return decode(codes, config.bandwidthId(codes.levels()), Taps.NONE);
    }

    /** Decodes under an explicit bandwidth id (what vall-e's caller passes to {@code Vocos.decode}). */
    float[] decode(Codes codes, int bandwidthId, Taps taps) {
        if (closed) {
            throw new IllegalStateException("this Vocos model is closed");
        }
        if (codes.levels() > levels) {
            throw new IllegalArgumentException(codes.levels() + " levels of codes, but Vocos has codebooks for " + levels);
        }
        if (bandwidthId < 0 || bandwidthId >= config.conditions()) {
            throw new IllegalArgumentException("bandwidth id " + bandwidthId + " is outside 0.." + (config.conditions() - 1));
        }
        for (int c : codes.data()) {
            if (c < 0 || c >= VocosConfig.BINS) {
                throw new IllegalArgumentException("code " + c + " is outside 0.." + (VocosConfig.BINS - 1));
            }
        }
        if (codes.frames() == 0) {
            return new float[0];
        }
        Signal features = features(codes);
        taps.put("vocos_features", features);
        float[] rows = backbone.apply(features, bandwidthId, par, taps);
        return head.apply(rows, codes.frames(), par, taps);
    }

    /** {@code codes_to_features}: per frame, the sum over levels {@code k} of {@code codebook_weights[k·1024 + code]}. */
    private Signal features(Codes codes) {
        int d = config.inputChannels();
        int frames = codes.frames();
        float[] rows = new float[frames * d];
        for (int t = 0; t < frames; t++) {
            for (int k = 0; k < codes.levels(); k++) {
                int row = (k * VocosConfig.BINS + codes.get(t, k)) * d;
                for (int c = 0; c < d; c++) {
                    rows[t * d + c] += codebooks[row + c];
                }
            }
        }
        return Signal.fromRows(rows, frames, d);
    }

    @Override
    public void close() {
        closed = true;
        par.close();
    }
}

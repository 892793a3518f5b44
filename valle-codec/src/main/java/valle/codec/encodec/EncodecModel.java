package valle.codec.encodec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import valle.api.ModelFormatException;
import valle.api.codec.AudioCodec;
import valle.api.codec.CodecWeights;
import valle.api.codec.Codes;
import valle.api.tensor.Weights;
import valle.codec.io.ConfigMap;
import valle.codec.io.WeightFile;
import valle.codec.nn.Signal;
import valle.codec.nn.Taps;
import valle.kit.io.Json;
import valle.kit.thread.KernelPool;

/**
 * A loaded EnCodec model: SEANet encoder, residual quantizer and SEANet decoder, as vall-e calls them
 * ({@code encode} at 6 kbps unless asked for other levels; {@code decode} returning {@code hop·T} samples,
 * untrimmed). Thread-safe: the weights are immutable and every call works on its own buffers.
 */
final class EncodecModel implements AudioCodec {
    /** vall-e's bandwidth: 6 kbps, 8 codebooks at 24 kHz. */
    private static final double VALLE_KBPS = 6.0;

    private final EncodecConfig config;
    private final SeanetEncoder encoder;
    private final ResidualVq quantizer;
    private final SeanetDecoder decoder;
    private final KernelPool par;
    private volatile boolean closed;

    private EncodecModel(EncodecConfig config, EncodecWeights w, KernelPool par) {
        this.config = config;
        this.encoder = new SeanetEncoder(w, config);
        this.quantizer = new ResidualVq(w, config.dimension(), config.bins(), config.quantizers());
        this.decoder = new SeanetDecoder(w, config);
        w.checkAllUsed();
        this.par = par;
    }

    /** Binds {@code weights} (original or HF names) to {@code config}, checking every shape. */
    static EncodecModel of(EncodecConfig config, Weights weights) {
        return of(config, new EncodecWeights(weights));
    }

    /** A model of {@code config} with random weights (benchmarks). */
    static EncodecModel random(EncodecConfig config, long seed) {
        return of(config, EncodecWeights.random(seed));
    }

    /** {@link #open}'s files as the tensors the model is built from and its settings ({@code EncodecConfig#settings}). */
    static CodecWeights readWeights(Path location) {
        Loaded files = Loaded.of(location);
        return handedOut(files.config(), new EncodecWeights(files.weights()));
    }

    /** {@link #random}'s weights, handed out. */
    static CodecWeights randomWeights(EncodecConfig config, long seed) {
        return handedOut(config, EncodecWeights.random(seed));
    }

    private static CodecWeights handedOut(EncodecConfig config, EncodecWeights weights) {
        EncodecModel model = of(config, weights);
        model.close();
        return new CodecWeights("encodec", weights.source(), config.settings(model.levels()), weights.handedOut());
    }

    private static EncodecModel of(EncodecConfig config, EncodecWeights weights) {
        KernelPool par = KernelPool.configured("valle-codec");
        try {
            return new EncodecModel(config, weights, par);
        } catch (RuntimeException e) {
            par.close();
            throw e;
        }
    }

    /**
     * Loads from a folder with the HF {@code config.json} and {@code model.safetensors} (or
     * {@code pytorch_model.bin}), a folder holding one original {@code .th} checkpoint, or a weight file
     * (configured by a {@code config.json} beside it if there is one, else the 24 kHz architecture).
     */
    static EncodecModel open(Path location) {
        Loaded files = Loaded.of(location);
        return of(files.config(), files.weights());
    }

    /** An EnCodec model's weight file, read, and its configuration. */
    private record Loaded(EncodecConfig config, Weights weights) {
        static Loaded of(Path location) {
            Path weightsFile;
            Path configFile;
            if (Files.isDirectory(location)) {
                configFile = location.resolve("config.json");
                if (Files.isRegularFile(configFile)) {
                    weightsFile = first(location, "model.safetensors", "pytorch_model.bin");
                } else {
                    configFile = null;
                    weightsFile = single(location, ".th");
                }
            } else if (Files.isRegularFile(location)) {
                weightsFile = location;
                Path beside = location.toAbsolutePath().resolveSibling("config.json");
                configFile = Files.isRegularFile(beside) ? beside : null;
            } else {
                throw new ModelFormatException(location + ": no such file or folder (EnCodec weights: the HF "
                        + "facebook/encodec_24khz folder, or encodec_24khz-d7cc33bc.th)");
            }
            Weights weights = WeightFile.read(weightsFile);
            EncodecConfig config = configFile != null
                    ? EncodecConfig.fromHf(new ConfigMap(Json.parseObject(WeightFile.text(configFile, "EnCodec config"),
                            configFile.toString()), configFile.toString()))
                    : widthsOf24khz(weights);
            return new Loaded(config, weights);
        }
    }

    /** The original checkpoint has no config: the 24 kHz architecture, widths from the first conv and a codebook. */
    private static EncodecConfig widthsOf24khz(Weights weights) {
        EncodecWeights w = new EncodecWeights(weights);
        int[] first = w.has("encoder.layers.0.conv.weight_v") ? w.shape("encoder.layers.0.conv.weight_v")
                : w.shape("encoder.layers.0.conv.weight");
        int[] embed = w.shape("quantizer.layers.0.codebook.embed");
        if (first == null || embed == null || first.length != 3 || embed.length != 2) {
            throw new ModelFormatException(weights.source() + ": not an EnCodec checkpoint (no encoder.model.0 conv or "
                    + "quantizer codebook 0)");
        }
        return EncodecConfig.of24khz(first[0], embed[1], embed[0]);
    }

    private static Path first(Path dir, String... names) {
        for (String n : names) {
            if (Files.isRegularFile(dir.resolve(n))) {
                return dir.resolve(n);
            }
        }
        throw new ModelFormatException(dir + ": has config.json but no " + String.join(" or ", names));
    }

    private static Path single(Path dir, String suffix) {
        List<Path> found;
        try (Stream<Path> s = Files.list(dir)) {
            found = s.filter(p -> p.getFileName().toString().endsWith(suffix) && Files.isRegularFile(p))
                    .sorted().toList();
        } catch (IOException e) {
            throw new ModelFormatException(dir + ": cannot list: " + e.getMessage(), e);
        }
        if (found.size() != 1) {
            throw new ModelFormatException(dir + ": expected config.json with model.safetensors, or one " + suffix
                    + " checkpoint; found " + (found.isEmpty() ? "neither" : found.size() + " " + suffix + " files"));
        }
        return found.getFirst();
    }

    EncodecConfig config() {
        return config;
    }

    @Override
    public int sampleRate() {
        return config.sampleRate();
    }

    @Override
    public int levels() {
        return Math.min(maxLevels(), config.levelsFor(VALLE_KBPS));
    }

    @Override
    public int maxLevels() {
        return quantizer.levels();
    }

    @Override
    public int codebookSize() {
        return quantizer.bins();
    }

    @Override
    public double frameRate() {
        return (double) config.sampleRate() / config.hop();
    }

    @Override
    public Codes encode(float[] pcm, int levels) {
        return encode(pcm, levels, Taps.NONE);
    }

    Codes encode(float[] pcm, int levels, Taps taps) {
        open();
        if (levels < 1 || levels > maxLevels()) {
            throw new IllegalArgumentException("levels must be in 1.." + maxLevels() + ", got " + levels);
        }
        if (pcm.length == 0) {
            throw new IllegalArgumentException("no samples to encode");
        }
        Signal latent = encoder.apply(new Signal(1, pcm.length, pcm.clone()), par, taps);
        return quantizer.encode(latent, levels, par, taps);
    }

    @Override
    public float[] decode(Codes codes) {
        return decode(codes, Taps.NONE);
    }

    float[] decode(Codes codes, Taps taps) {
        open();
        if (codes.levels() > maxLevels()) {
            throw new IllegalArgumentException(codes.levels() + " levels of codes, but the model has " + maxLevels());
        }
        for (int c : codes.data()) {
            if (c < 0 || c >= quantizer.bins()) {
                throw new IllegalArgumentException("code " + c + " is outside 0.." + (quantizer.bins() - 1));
            }
        }
        if (codes.frames() == 0) {
            return new float[0];
        }
        Signal z = quantizer.decode(codes);
        taps.put("encodec_decoder_input", z);
        return decoder.apply(z, par, taps).data();
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("this EnCodec model is closed");
        }
    }

    @Override
    public void close() {
        closed = true;
        par.close();
    }
}

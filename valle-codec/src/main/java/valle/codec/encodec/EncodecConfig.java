package valle.codec.encodec;

import java.util.Arrays;
import valle.codec.io.ConfigMap;

/**
 * The hyper-parameters of a SEANet EnCodec model (docs/spec/codec.md §2.1): read from the HF {@code config.json},
 * or, for the original {@code .th} checkpoint, which has no config, the fixed architecture of
 * {@code EncodecModel.encodec_model_24khz()} with the widths read from the tensors. Only what the 24 kHz model
 * is made of is accepted: causal convs with reflect padding, weight norm, no input normalisation, one channel,
 * no chunking; anything else is refused naming the config key.
 *
 * @param sampleRate         Hz
 * @param filters            channels of the first conv ({@code n_filters}; doubled at every downsampling)
 * @param dimension          latent and codebook width ({@code hidden_size}, {@code dimension})
 * @param residualLayers     residual blocks per stage
 * @param ratios             up-sampling ratios in decoder order; the encoder walks them reversed
 * @param kernelSize         first conv's kernel
 * @param lastKernelSize     last conv's kernel
 * @param residualKernelSize first conv of each residual block
 * @param dilationBase       residual block {@code j} dilates by {@code base^j}
 * @param compress           residual blocks narrow to {@code dim / compress} channels
 * @param lstmLayers         layers of the SLSTM after the encoder's and before the decoder's convs (0: none)
 * @param bins               entries per codebook ({@code codebook_size})
 * @param bandwidths         target bandwidths in kbps, ascending
 */
public record EncodecConfig(int sampleRate, int filters, int dimension, int residualLayers, int[] ratios,
                            int kernelSize, int lastKernelSize, int residualKernelSize, int dilationBase,
                            int compress, int lstmLayers, int bins, double[] bandwidths) {

    public EncodecConfig {
        ratios = ratios.clone();
        bandwidths = bandwidths.clone();
        if (sampleRate <= 0 || filters <= 0 || dimension <= 0 || residualLayers < 0 || ratios.length == 0
                || kernelSize <= 0 || lastKernelSize <= 0 || residualKernelSize <= 0 || dilationBase <= 0
                || compress <= 0 || lstmLayers < 0 || bins <= 1 || bandwidths.length == 0) {
            throw new IllegalArgumentException("invalid EnCodec configuration " + this);
        }
        for (int r : ratios) {
            if (r <= 0) {
                throw new IllegalArgumentException("invalid up-sampling ratios " + Arrays.toString(ratios));
            }
        }
    }

    /** {@code EncodecModel.encodec_model_24khz()}: the model vall-e uses. */
    public static EncodecConfig published24khz() {
        return of24khz(32, 128, 1024);
    }

    /** The 24 kHz architecture with other widths (the original checkpoint stores no config). */
    static EncodecConfig of24khz(int filters, int dimension, int bins) {
        return new EncodecConfig(24000, filters, dimension, 1, new int[] {8, 5, 4, 2}, 7, 7, 3, 2, 2, 2, bins,
                new double[] {1.5, 3.0, 6.0, 12.0, 24.0});
    }

    /** The HF {@code config.json} of {@code facebook/encodec_24khz} (or a model of its kind). */
    static EncodecConfig fromHf(ConfigMap c) {
        if (c.has("model_type") && !c.string("model_type").equals("encodec")) {
            throw c.fail("model_type", "is '" + c.string("model_type") + "', not 'encodec' (a config of another model?)");
        }
        require(c, c.integer("audio_channels", 1) == 1, "audio_channels", "must be 1: valle's EnCodec is mono");
        require(c, c.bool("use_causal_conv", true), "use_causal_conv", "must be true (the 24 kHz model is causal)");
        require(c, !c.has("pad_mode") || c.string("pad_mode").equals("reflect"), "pad_mode", "must be 'reflect'");
        require(c, !c.has("norm_type") || c.string("norm_type").equals("weight_norm"), "norm_type",
                "must be 'weight_norm' (time_group_norm is the 48 kHz model's)");
        require(c, c.number("trim_right_ratio", 1.0) == 1.0, "trim_right_ratio", "must be 1.0 (causal trimming)");
        require(c, !c.bool("normalize", false), "normalize", "must be false (input normalisation is the 48 kHz model's)");
        require(c, !c.has("chunk_length_s"), "chunk_length_s", "must be null (chunked encoding is not supported)");
        require(c, c.bool("use_conv_shortcut", true), "use_conv_shortcut", "must be true (identity skips are not supported)");
        int dimension = c.integer("hidden_size");
        require(c, c.integer("codebook_dim", dimension) == dimension, "codebook_dim",
                "must equal hidden_size (quantizer projections are not supported)");
        return new EncodecConfig(c.integer("sampling_rate"), c.integer("num_filters"), dimension,
                c.integer("num_residual_layers", 1), c.integers("upsampling_ratios"), c.integer("kernel_size", 7),
                c.integer("last_kernel_size", 7), c.integer("residual_kernel_size", 3),
                c.integer("dilation_growth_rate", 2), c.integer("compress", 2), c.integer("num_lstm_layers", 2),
                c.integer("codebook_size"), c.numbers("target_bandwidths"));
    }

    private static void require(ConfigMap c, boolean ok, String key, String rule) {
        if (!ok) {
            throw c.fail(key, rule);
        }
    }

    /** Samples per frame: the product of the ratios (320 at 24 kHz). */
    public int hop() {
        int h = 1;
        for (int r : ratios) {
            h *= r;
        }
        return h;
    }

    /** {@code ceil(sample_rate / hop)}: 75 at 24 kHz. */
    public int frameRate() {
        return (sampleRate + hop() - 1) / hop();
    }

    /** Codebooks for a bandwidth: {@code max(1, floor(kbps·1000 / (log2(bins)·frame_rate)))}; 6 kbps → 8. */
    public int levelsFor(double kbps) {
        double perLevel = Math.log(bins) / Math.log(2) * frameRate();
        return Math.max(1, (int) Math.floor(kbps * 1000 / perLevel));
    }

    /** Codebooks the quantizer has: enough for the highest bandwidth ({@code EncodecModel._get_model}). */
    public int quantizers() {
        return (int) Math.floor(1000 * bandwidths[bandwidths.length - 1] / (frameRate() * 10.0));
    }

    /** Channels of the LSTM and of the deepest convs: {@code filters · 2^stages}. */
    public int deepChannels() {
        return filters << ratios.length;
    }

    /**
     * The settings a backend needs to build this network ({@code valle.api.codec.CodecWeights}): {@code sample_rate},
     * {@code filters}, {@code dimension}, {@code residual_layers}, {@code ratios} (decoder order),
     * {@code kernel_size}, {@code last_kernel_size}, {@code residual_kernel_size}, {@code dilation_base},
     * {@code compress}, {@code lstm_layers}, {@code bins}, {@code quantizers} (codebooks) and {@code levels}
     * (vall-e's level count, as the model reports it).
     */
    java.util.Map<String, double[]> settings(int levels) {
        java.util.Map<String, double[]> s = new java.util.TreeMap<>();
        s.put("sample_rate", new double[] {sampleRate});
        s.put("filters", new double[] {filters});
        s.put("dimension", new double[] {dimension});
        s.put("residual_layers", new double[] {residualLayers});
        s.put("ratios", Arrays.stream(ratios).asDoubleStream().toArray());
        s.put("kernel_size", new double[] {kernelSize});
        s.put("last_kernel_size", new double[] {lastKernelSize});
        s.put("residual_kernel_size", new double[] {residualKernelSize});
        s.put("dilation_base", new double[] {dilationBase});
        s.put("compress", new double[] {compress});
        s.put("lstm_layers", new double[] {lstmLayers});
        s.put("bins", new double[] {bins});
        s.put("quantizers", new double[] {quantizers()});
        s.put("levels", new double[] {levels});
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncodecConfig c && c.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "EncodecConfig[" + sampleRate + " Hz, filters " + filters + ", dimension " + dimension + ", residual layers "
                + residualLayers + ", ratios " + Arrays.toString(ratios) + ", kernels " + kernelSize + "/" + lastKernelSize
                + "/" + residualKernelSize + ", dilation base " + dilationBase + ", compress " + compress + ", lstm "
                + lstmLayers + ", bins " + bins + ", bandwidths " + Arrays.toString(bandwidths) + "]";
    }
}

package valle.codec.vocos;

import java.util.Arrays;
import valle.codec.io.ConfigMap;

/**
 * The hyper-parameters of a Vocos model on EnCodec features (docs/spec/codec.md §3.1), from the {@code config.yaml}
 * that {@code Vocos.from_hparams} reads: {@code feature_extractor} ({@code EncodecFeatures} of
 * {@code encodec_24khz}, its {@code bandwidths}), {@code backbone} ({@code VocosBackbone} with AdaLayerNorm) and
 * {@code head} ({@code ISTFTHead}, {@code padding: same}). Other Vocos variants (mel features, plain LayerNorm,
 * centred ISTFT) are refused naming the key.
 *
 * @param inputChannels    feature width (EnCodec's latent, 128)
 * @param dim              backbone width
 * @param intermediateDim  ConvNeXt hidden width
 * @param layers           ConvNeXt blocks
 * @param conditions       AdaLayerNorm embeddings: one per bandwidth
 * @param nFft             ISTFT size (also the window length)
 * @param hop              samples per frame
 * @param bandwidths       the EnCodec bandwidths (kbps) the conditions stand for, in id order
 */
public record VocosConfig(int inputChannels, int dim, int intermediateDim, int layers, int conditions, int nFft,
                          int hop, double[] bandwidths) {
    /** The EnCodec the features come from: 24 kHz, 1024-entry codebooks, 75 frames per second. */
    static final int SAMPLE_RATE = 24000;
    static final int BINS = 1024;

    public VocosConfig {
        bandwidths = bandwidths.clone();
        if (inputChannels <= 0 || dim <= 0 || intermediateDim <= 0 || layers < 0 || conditions <= 0 || nFft <= 0
                || hop <= 0 || hop > nFft || (nFft - hop) % 2 != 0 || bandwidths.length != conditions) {
            throw new IllegalArgumentException("invalid Vocos configuration " + this);
        }
    }

    /** {@code charactr/vocos-encodec-24khz}. */
    static VocosConfig published() {
        return new VocosConfig(128, 384, 1152, 8, 4, 1280, 320, new double[] {1.5, 3.0, 6.0, 12.0});
    }

    static VocosConfig fromYaml(ConfigMap c) {
        ConfigMap fe = c.section("feature_extractor");
        if (!fe.string("class_path").endsWith("EncodecFeatures")) {
            throw fe.fail("class_path", "is '" + fe.string("class_path") + "'; valle's Vocos decodes EnCodec codes "
                    + "(vocos.feature_extractors.EncodecFeatures)");
        }
        ConfigMap feArgs = fe.section("init_args");
        if (feArgs.has("encodec_model") && !feArgs.string("encodec_model").equals("encodec_24khz")) {
            throw feArgs.fail("encodec_model", "is '" + feArgs.string("encodec_model") + "'; only encodec_24khz is supported");
        }
        ConfigMap bb = c.section("backbone");
        if (!bb.string("class_path").endsWith("VocosBackbone")) {
            throw bb.fail("class_path", "is '" + bb.string("class_path") + "', not vocos.models.VocosBackbone");
        }
        ConfigMap bbArgs = bb.section("init_args");
        if (!bbArgs.has("adanorm_num_embeddings")) {
            throw bbArgs.fail("adanorm_num_embeddings", "is missing: backbones with a plain LayerNorm (mel Vocos) are not supported");
        }
        ConfigMap head = c.section("head");
        if (!head.string("class_path").endsWith("ISTFTHead")) {
            throw head.fail("class_path", "is '" + head.string("class_path") + "', not vocos.heads.ISTFTHead");
        }
        ConfigMap headArgs = head.section("init_args");
        if (headArgs.has("padding") && !headArgs.string("padding").equals("same")) {
            throw headArgs.fail("padding", "is '" + headArgs.string("padding") + "'; only 'same' is supported");
        }
        int dim = bbArgs.integer("dim");
        if (headArgs.integer("dim") != dim) {
            throw headArgs.fail("dim", "is " + headArgs.integer("dim") + " but the backbone's dim is " + dim);
        }
        double[] bandwidths = feArgs.numbers("bandwidths");
        int conditions = bbArgs.integer("adanorm_num_embeddings");
        if (conditions != bandwidths.length) {
            throw bbArgs.fail("adanorm_num_embeddings", "is " + conditions + " but there are " + bandwidths.length + " bandwidths");
        }
        return new VocosConfig(bbArgs.integer("input_channels"), dim, bbArgs.integer("intermediate_dim"),
                bbArgs.integer("num_layers"), conditions, headArgs.integer("n_fft"), headArgs.integer("hop_length"), bandwidths);
    }

    /** Frequency bins of the one-sided spectrum: {@code n_fft / 2 + 1}. */
    int bins() {
        return nFft / 2 + 1;
    }

    /**
     * vall-e's bandwidth id for a number of levels ({@code vall_e.emb.qnt}): 2 → 1.5 kbps, 4 → 3, 8 → 6, any
     * other count → 6 kbps; the id is that bandwidth's place in {@link #bandwidths}.
     */
    int bandwidthId(int levels) {
        int id = conditionIndex(levels);
        if (id < 0) {
            throw new IllegalArgumentException("the model has no " + valleKbps(levels) + " kbps condition (bandwidths "
                    + Arrays.toString(bandwidths) + ")");
        }
        return id;
    }

    /** {@link #bandwidthId}, or -1 where the model has no condition for that bandwidth. */
    private int conditionIndex(int levels) {
        double kbps = valleKbps(levels);
        for (int i = 0; i < bandwidths.length; i++) {
            if (bandwidths[i] == kbps) {
                return i;
            }
        }
        return -1;
    }

    private static double valleKbps(int levels) {
        return switch (levels) {
            case 2 -> 1.5;
            case 4 -> 3.0;
            default -> 6.0;
        };
    }

    /**
     * The settings a backend needs to build this network ({@code valle.api.codec.CodecWeights}):
     * {@code input_channels}, {@code dim}, {@code intermediate_dim}, {@code layers}, {@code conditions},
     * {@code n_fft}, {@code hop}, {@code sample_rate}, {@code bins} (entries per codebook), {@code levels}
     * (vall-e's level count, as the model reports it) and {@code condition_for_levels}: for each level count
     * {@code 0..codebooks} the AdaLayerNorm condition vall-e decodes it under ({@link #bandwidthId}), or -1 where
     * the model has none.
     */
    java.util.Map<String, double[]> settings(int codebooks, int levels) {
        java.util.Map<String, double[]> s = new java.util.TreeMap<>();
        s.put("input_channels", new double[] {inputChannels});
        s.put("dim", new double[] {dim});
        s.put("intermediate_dim", new double[] {intermediateDim});
        s.put("layers", new double[] {layers});
        s.put("conditions", new double[] {conditions});
        s.put("n_fft", new double[] {nFft});
        s.put("hop", new double[] {hop});
        s.put("sample_rate", new double[] {SAMPLE_RATE});
        s.put("bins", new double[] {BINS});
        s.put("levels", new double[] {levels});
        double[] conditionFor = new double[codebooks + 1];
        for (int l = 0; l <= codebooks; l++) {
            conditionFor[l] = conditionIndex(l);
        }
        s.put("condition_for_levels", conditionFor);
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VocosConfig v && v.toString().equals(toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "VocosConfig[input " + inputChannels + ", dim " + dim + ", intermediate " + intermediateDim + ", layers "
                + layers + ", conditions " + conditions + ", n_fft " + nFft + ", hop " + hop + ", bandwidths "
                + Arrays.toString(bandwidths) + "]";
    }
}

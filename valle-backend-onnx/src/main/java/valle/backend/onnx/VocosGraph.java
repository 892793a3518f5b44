package valle.backend.onnx;

import valle.api.codec.CodecWeights;

/**
 * Vocos on EnCodec codes as one ONNX graph over the tensors and settings the {@code vocos} plugin hands out
 * (docs/spec/codec.md §3): the feature sum, the ConvNeXt backbone with AdaLayerNorm, and the ISTFT head. Contract:
 * {@value #CODES} int64 {@code [T, L]} and {@value #CONDITION} int64 {@code [1]} (the AdaLayerNorm row: the
 * bandwidth the codes stand for) → {@value #AUDIO} float32 {@code [1, 1, hop · T]}.
 *
 * <p>The inverse STFT has no ONNX operator, so it is written as one transposed convolution: each frame's
 * one-sided spectrum {@code (re, im)} times a fixed basis ({@code irfft} folded with the window) gives the
 * windowed frame, and the stride {@code hop} overlap-adds the frames; the same convolution of ones with the
 * squared window gives the envelope that Vocos divides by.
 */
final class VocosGraph {
    static final String CODES = "codes";
    static final String CONDITION = "condition";
    static final String AUDIO = "audio";
    private static final int KERNEL = 7;
    private static final float EPS = 1e-6f;
    private static final float MAX_MAGNITUDE = 100f;

    private final CodecWeights w;
    private final SignalGraph s;
    private final OnnxGraph g;
    private final int dim;
    private final String ones;

    private VocosGraph(CodecWeights weights) {
        this.w = weights;
        this.s = new SignalGraph("vocos", weights);
        this.g = s.onnx();
        this.dim = weights.integer("dim");
        float[] one = new float[dim];
        java.util.Arrays.fill(one, 1f);
        this.ones = g.constant(one, dim);
    }

    static SignalGraph.Built build(CodecWeights weights) {
        VocosGraph v = new VocosGraph(weights);
        OnnxGraph g = v.g;
        String codes = g.int64Input(CODES, "T", "L");
        String condition = g.int64Input(CONDITION, 1);
        String table = v.s.weight("feature_extractor.codebook_weights");
        String features = v.s.codebookSum(codes, table, weights.integer("bins"),
                v.s.shape("feature_extractor.codebook_weights")[0] / weights.integer("bins"));
        String rows = v.backbone(features, condition);
        g.nodeWithOutputs("Identity", new String[] {v.head(rows, codes)}, new String[] {AUDIO});
        g.output(AUDIO, 1, 1, "S");
        return v.s.built();
    }

    /** Features {@code [1, input, T]} to rows {@code [T, dim]}. */
    private String backbone(String features, String condition) {
        String x = s.rows(s.conv(features, "backbone.embed", 1, 1, 1, KERNEL / 2, KERNEL / 2));
        x = adaNorm(x, "backbone.norm", condition);
        for (int i = 0; i < w.integer("layers"); i++) {
            x = convNeXt(x, "backbone.convnext." + i + ".", condition);
        }
        return g.node("LayerNormalization", new String[] {x, s.weight("backbone.final_layer_norm.weight"),
            s.weight("backbone.final_layer_norm.bias")}, "axis", -1, "epsilon", EPS);
    }

    /** Layer norm without affine parameters, then the condition's scale and shift rows. */
    private String adaNorm(String rows, String prefix, String condition) {
        String normed = g.node("LayerNormalization", new String[] {rows, ones}, "axis", -1, "epsilon", EPS);
        String scale = g.node("Gather", new String[] {s.weight(prefix + ".scale.weight"), condition}, "axis", 0);
        String shift = g.node("Gather", new String[] {s.weight(prefix + ".shift.weight"), condition}, "axis", 0);
        return s.add(s.mul(normed, scale), shift);
    }

    /** Depthwise conv, AdaLayerNorm, linear up, GELU, linear down, layer scale (when present), residual. */
    private String convNeXt(String x, String p, String condition) {
        String y = s.rows(s.conv(s.signal(x), p + "dwconv", 1, 1, dim, KERNEL / 2, KERNEL / 2));
        String h = s.linear(s.gelu(s.linear(adaNorm(y, p + "norm", condition), p + "pwconv1")), p + "pwconv2");
        if (w.tensors().find(p + "gamma").isPresent()) {
            h = s.mul(h, s.weight(p + "gamma"));
        }
        return s.add(x, h);
    }

    /** Rows {@code [T, dim]} to {@code hop · T} samples. */
    private String head(String rows, String codes) {
        int nFft = w.integer("n_fft");
        int hop = w.integer("hop");
        int bins = nFft / 2 + 1;
        String[] halves = g.nodes("Split", new String[] {s.linear(rows, "head.out"), g.ints(bins, bins)}, 2, "axis", 1);
        String magnitude = g.node("Min", new String[] {g.node("Exp", halves[0]), g.scalar(MAX_MAGNITUDE)});
        String spectrum = g.node("Concat", new String[] {s.mul(magnitude, g.node("Cos", halves[1])),
            s.mul(magnitude, g.node("Sin", halves[1]))}, "axis", 1);
        float[] window = s.values("head.istft.window");
        float[] squared = new float[nFft];
        for (int i = 0; i < nFft; i++) {
            squared[i] = window[i] * window[i];
        }
        requireOverlapAdd(squared, hop);
        String basis = s.derived("head.istft.inverse_basis", () -> inverseBasis(window, nFft), 2 * bins, 1, nFft);
        String signal = g.node("ConvTranspose", new String[] {s.signal(spectrum), basis}, "strides", new long[] {hop});
        String frameOnes = g.node("Expand", new String[] {g.scalar(1f),
            g.node("Concat", new String[] {g.ints(1, 1), s.length(codes, 0)}, "axis", 0)});
        String envelope = g.node("ConvTranspose", new String[] {frameOnes, g.constant(squared, 1, 1, nFft)},
                "strides", new long[] {hop});
        int pad = (nFft - hop) / 2;
        return g.node("Div", new String[] {s.trim(signal, pad, pad), s.trim(envelope, pad, pad)});
    }

    /**
     * Refuses a window and hop whose overlap-added squared window vanishes inside the kept samples (the java
     * Vocos fails there at decode time; the envelope depends only on these two, so the graph is refused at once).
     */
    private void requireOverlapAdd(float[] squared, int hop) {
        int n = squared.length;
        int pad = (n - hop) / 2;
        // three frames reach every phase of the steady state and both edges the trim keeps
        int frames = 3;
        float[] envelope = new float[(frames - 1) * hop + n];
        for (int t = 0; t < frames; t++) {
            for (int i = 0; i < n; i++) {
                envelope[t * hop + i] += squared[i];
            }
        }
        for (int i = pad; i < pad + frames * hop; i++) {
            if (!(envelope[i] > 1e-11f)) {
                throw new valle.api.ModelFormatException(w.source() + ": the ISTFT window envelope vanishes at sample "
                        + (i - pad) + " (window and hop do not overlap-add)");
            }
        }
    }

    /**
     * The transposed-conv weight {@code [2·bins, 1, n]} that turns a one-sided spectrum into its windowed
     * {@code irfft} frame: row {@code k} (real part of bin {@code k}) is {@code c_k cos(2πkn/N) / N · w[n]}, row
     * {@code bins + k} (imaginary part) is {@code -c_k sin(2πkn/N) / N · w[n]}, with {@code c_k = 1} at DC and
     * Nyquist and 2 between; the imaginary rows of DC and Nyquist are zero, as {@code irfft} ignores those parts.
     */
    static float[] inverseBasis(float[] window, int n) {
        int bins = n / 2 + 1;
        float[] basis = new float[2 * bins * n];
        for (int k = 0; k < bins; k++) {
            boolean edge = k == 0 || 2 * k == n;
            double c = edge ? 1.0 : 2.0;
            for (int i = 0; i < n; i++) {
                // the angle reduced modulo n first keeps it exact for large k·i
                double angle = 2 * Math.PI * ((long) k * i % n) / n;
                basis[k * n + i] = (float) (c * Math.cos(angle) / n * window[i]);
                // irfft ignores the imaginary parts at DC and Nyquist (their sines vanish, up to rounding)
                basis[(bins + k) * n + i] = edge ? 0f : (float) (-c * Math.sin(angle) / n * window[i]);
            }
        }
        return basis;
    }
}

package valle.backend.onnx;

import valle.api.codec.CodecWeights;

/**
 * EnCodec 24 kHz as two ONNX graphs over the tensors and settings the {@code encodec} plugin hands out (HF
 * names, weight norm folded; docs/spec/codec.md §2): the SEANet encoder with the residual quantizer, and the
 * codebook sum with the SEANet decoder. Contract:
 * <ul>
 *   <li>encoder ({@link #encoder}, one graph per level count): {@value #AUDIO} float32 {@code [1, 1, N]} →
 *       {@value #CODES} int64 {@code [ceil(N / hop), levels]};</li>
 *   <li>decoder ({@link #decoder}): {@value #CODES} int64 {@code [T, L]}, any {@code L} up to the quantizers →
 *       {@value #AUDIO} float32 {@code [1, 1, hop · T]}, untrimmed.</li>
 * </ul>
 */
final class EncodecGraph {
    static final String AUDIO = "audio";
    static final String CODES = "codes";

    private final CodecWeights w;
    private final SignalGraph s;
    private final int residualLayers;
    private final int[] ratios;
    private final int dilationBase;
    private final int lstmLayers;

    private EncodecGraph(CodecWeights weights, String name) {
        this.w = weights;
        this.s = new SignalGraph(name, weights);
        this.residualLayers = weights.integer("residual_layers");
        this.ratios = weights.integers("ratios");
        this.dilationBase = weights.integer("dilation_base");
        this.lstmLayers = weights.integer("lstm_layers");
    }

    /** Audio to {@code levels} levels of codes; with the weights it reads. */
    static SignalGraph.Built encoder(CodecWeights weights, int levels) {
        EncodecGraph e = new EncodecGraph(weights, "encodec_encoder_" + levels);
        OnnxGraph g = e.s.onnx();
        String latent = e.encode(g.input(AUDIO, 1, 1, "N"));
        e.quantize(latent, levels);
        g.int64Output(CODES, "T", levels);
        return e.s.built();
    }

    /** Codes to audio; with the weights it reads. */
    static SignalGraph.Built decoder(CodecWeights weights) {
        EncodecGraph e = new EncodecGraph(weights, "encodec_decoder");
        OnnxGraph g = e.s.onnx();
        String codes = g.int64Input(CODES, "T", "L");
        String latent = e.s.codebookSum(codes, e.stackedCodebooks(), weights.integer("bins"), weights.integer("quantizers"));
        g.nodeWithOutputs("Identity", new String[] {e.decode(latent)}, new String[] {AUDIO});
        g.output(AUDIO, 1, 1, "S");
        return e.s.built();
    }

    // ---- SEANet (the layer walk of valle-codec's SeanetEncoder / SeanetDecoder) ----

    private String encode(String x) {
        x = causalConv(x, "encoder.layers.0.conv", 1, 1);
        int idx = 1;
        for (int stage = 0; stage < ratios.length; stage++) {
            int r = ratios[ratios.length - 1 - stage];
            x = residualBlocks(x, "encoder.layers.", idx);
            x = causalConv(s.elu(x), "encoder.layers." + (idx + residualLayers + 1) + ".conv", r, 1);
            idx += residualLayers + 2;
        }
        if (lstmLayers > 0) {
            x = lstm(x, "encoder.layers." + idx);
            idx++;
        }
        return causalConv(s.elu(x), "encoder.layers." + (idx + 1) + ".conv", 1, 1);
    }

    private String decode(String z) {
        String x = causalConv(z, "decoder.layers.0.conv", 1, 1);
        int idx = 1;
        if (lstmLayers > 0) {
            x = lstm(x, "decoder.layers.1");
            idx = 2;
        }
        for (int r : ratios) {
            String prefix = "decoder.layers." + (idx + 1) + ".conv";
            int kernel = s.shape(prefix + ".weight")[2];
            // causal SConvTranspose1d, trim_right_ratio 1: the k - s extra samples are cut from the right
            x = s.trim(s.convTranspose(s.elu(x), prefix, r), 0, kernel - r);
            x = residualBlocks(x, "decoder.layers.", idx + 2);
            idx += residualLayers + 2;
        }
        return causalConv(s.elu(x), "decoder.layers." + (idx + 1) + ".conv", 1, 1);
    }

    /** The residual blocks {@code layers.first .. first + n - 1}, dilations {@code 1, base, base², ...}. */
    private String residualBlocks(String x, String layers, int first) {
        int dilation = 1;
        for (int j = 0; j < residualLayers; j++) {
            String p = layers + (first + j);
            String y = causalConv(s.elu(causalConv(s.elu(x), p + ".block.1.conv", 1, dilation)), p + ".block.3.conv", 1, 1);
            x = s.add(causalConv(x, p + ".shortcut.conv", 1, 1), y);
            dilation *= dilationBase;
        }
        return x;
    }

    /**
     * EnCodec's causal {@code SConv1d}: reflect padding of {@code ke - s} on the left and
     * {@code ceil(L/s)·s - L} on the right, then the conv; {@code ceil(L/s)} outputs.
     */
    private String causalConv(String x, String prefix, int stride, int dilation) {
        int kernel = s.shape(prefix + ".weight")[2];
        int left = (kernel - 1) * dilation + 1 - stride;
        OnnxGraph g = s.onnx();
        if (left > 0 || stride > 1) {
            String right = stride == 1 ? g.ints(0)
                    : g.node("Mod", new String[] {g.node("Sub", new String[] {g.ints(stride),
                        g.node("Mod", new String[] {s.length(x, 2), g.ints(stride)})}), g.ints(stride)});
            x = s.reflectPad(x, left, right);
        }
        return s.conv(x, prefix, stride, dilation, 1, 0, 0);
    }

    /**
     * EnCodec's {@code SLSTM}: the LSTM layers over time plus the identity skip. PyTorch's gate blocks
     * {@code i, f, g, o} are reordered to ONNX's {@code i, o, f, c}, and the two biases concatenated.
     */
    private String lstm(String x, String prefix) {
        OnnxGraph g = s.onnx();
        int dim = s.shape(prefix + ".lstm.weight_ih_l0")[1];
        String seq = g.node("Transpose", x, "perm", new long[] {2, 0, 1});
        for (int l = 0; l < lstmLayers; l++) {
            String p = prefix + ".lstm.";
            String ih = p + "weight_ih_l" + l;
            String hh = p + "weight_hh_l" + l;
            String wi = s.derived(ih, () -> gatesInOnnxOrder(s.values(ih)), 1, 4 * dim, dim);
            String wh = s.derived(hh, () -> gatesInOnnxOrder(s.values(hh)), 1, 4 * dim, dim);
            String bi = p + "bias_ih_l" + l;
            String bh = p + "bias_hh_l" + l;
            String bias = s.derived(p + "bias_l" + l, () -> {
                float[] b = new float[8 * dim];
                System.arraycopy(gatesInOnnxOrder(s.values(bi)), 0, b, 0, 4 * dim);
                System.arraycopy(gatesInOnnxOrder(s.values(bh)), 0, b, 4 * dim, 4 * dim);
                return b;
            }, 1, 8 * dim);
            String y = g.nodes("LSTM", new String[] {seq, wi, wh, bias}, 1, "hidden_size", dim)[0];
            seq = g.node("Squeeze", new String[] {y, g.ints(1)});
        }
        return s.add(g.node("Transpose", seq, "perm", new long[] {1, 2, 0}), x);
    }

    /** Rows in blocks {@code i, f, g, o} of {@code dim} rows each, reordered to {@code i, o, f, g}. */
    private static float[] gatesInOnnxOrder(float[] pytorch) {
        int block = pytorch.length / 4;
        float[] out = new float[pytorch.length];
        int[] from = {0, 3, 1, 2};
        for (int b = 0; b < 4; b++) {
            System.arraycopy(pytorch, from[b] * block, out, b * block, block);
        }
        return out;
    }

    // ---- residual vector quantizer ----

    /**
     * Per frame and level, the nearest codebook row to the residual, subtracted before the next level. The
     * distance is the reference's expanded float32 {@code |e|² - 2 r·e} (without the per-row {@code |r|²},
     * which does not change the choice).
     */
    private void quantize(String latent, int levels) {
        OnnxGraph g = s.onnx();
        String residual = s.rows(latent);
        String[] chosen = new String[levels];
        for (int q = 0; q < levels; q++) {
            String name = codebook(q);
            String book = s.weight(name);
            int bins = s.shape(name)[0];
            String norms = s.derived(name + ".squared_norms", () -> squaredNorms(s.values(name), bins), bins);
            String dots = g.node("Gemm", new String[] {residual, book}, "transB", 1, "alpha", -2f);
            String index = g.node("ArgMin", g.node("Add", new String[] {dots, norms}), "axis", 1, "keepdims", 0);
            chosen[q] = g.node("Unsqueeze", new String[] {index, g.ints(1)});
            residual = g.node("Sub", new String[] {residual, g.node("Gather", new String[] {book, index}, "axis", 0)});
        }
        g.nodeWithOutputs(levels == 1 ? "Identity" : "Concat", chosen, new String[] {CODES},
                levels == 1 ? new Object[0] : new Object[] {"axis", 1});
    }

    /** {@code |e_j|²} of each of a codebook's {@code bins} rows, summed in double. */
    private static float[] squaredNorms(float[] book, int bins) {
        int dim = book.length / bins;
        float[] norms = new float[bins];
        for (int j = 0; j < bins; j++) {
            double sum = 0;
            for (int d = 0; d < dim; d++) {
                sum += (double) book[j * dim + d] * book[j * dim + d];
            }
            norms[j] = (float) sum;
        }
        return norms;
    }

    /** Every codebook stacked {@code [quantizers · bins, dim]}, level-major, for the decoder's lookup. */
    private String stackedCodebooks() {
        int quantizers = w.integer("quantizers");
        int[] shape = s.shape(codebook(0));
        return s.derived("quantizer.stacked_codebooks", () -> {
            float[] stacked = new float[quantizers * shape[0] * shape[1]];
            for (int q = 0; q < quantizers; q++) {
                float[] e = s.values(codebook(q));
                System.arraycopy(e, 0, stacked, q * e.length, e.length);
            }
            return stacked;
        }, quantizers * shape[0], shape[1]);
    }

    private static String codebook(int level) {
        return "quantizer.layers." + level + ".codebook.embed";
    }
}

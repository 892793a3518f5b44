package valle.arch.mixtral;

import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.attention.AttentionKernel;
import valle.api.plugin.Availability;
import valle.api.tensor.RandomTensors;
import valle.api.tensor.Weights;
import valle.kit.nn.LlamaShape;
import valle.kit.plugin.ArchPlugin;

/**
 * The plugin that builds HF Mixtral stacks as the reference configures them ({@code arch_type: mixtral}, and
 * {@code llama} with more than one expert). Config options it reads: {@code experts_per_token} (default
 * {@code min(2, experts)}, the reference's choice), {@code sliding_window} (default 900 = 75·12, the
 * reference's), and for {@link #randomWeights} {@code experts} (default 8, Mixtral's published layout).
 */
public final class MixtralArch extends ArchPlugin {
    /** Option names in {@link BackboneConfig#options()}. */
    public static final String EXPERTS = "experts";
    public static final String EXPERTS_PER_TOKEN = "experts_per_token";
    public static final String SLIDING_WINDOW = "sliding_window";
    private static final int REFERENCE_WINDOW = 75 * 12;
    private static final int RANDOM_EXPERTS = 8;

    /** The plugin, as the service loader makes it. */
    public MixtralArch() {
        super("mixtral", 10, "Mixtral mixture-of-experts stack: sliding-window GQA, top-k router, "
                + "experts run on their tokens only");
    }

    @Override
    public Availability supports(BackboneConfig config) {
        Availability own = super.supports(config);
        if (!own.ok()) {
            return own;
        }
        Availability shape = LlamaShape.supports(config, "mixtral");
        if (!shape.ok()) {
            return shape;
        }
        for (String key : new String[] {EXPERTS, EXPERTS_PER_TOKEN, SLIDING_WINDOW}) {
            String v = config.options().get(key);
            if (v != null && !v.matches("[1-9][0-9]{0,8}")) {
                return Availability.no("mixtral option " + key + " must be a positive integer, got '" + v + "'", "");
            }
        }
        return Availability.yes();
    }

    @Override
    public Weights randomWeights(BackboneConfig c, long seed) {
        int d = c.hiddenSize();
        int f = c.intermediateSize();
        int experts = option(c, EXPERTS, RANDOM_EXPERTS);
        RandomTensors t = new RandomTensors(seed);
        for (int i = 0; i < c.layers(); i++) {
            String p = "layers." + i + ".";
            LlamaShape.draw(t, LlamaShape.layer(c, i).normsAndAttention())
                    .linear(p + "block_sparse_moe.gate.weight", experts, d);
            for (int e = 0; e < experts; e++) {
                String x = p + "block_sparse_moe.experts." + e + ".";
                t.linear(x + "w1.weight", f, d).linear(x + "w3.weight", f, d).linear(x + "w2.weight", d, f);
            }
        }
        return t.around("norm.weight", 1, 0.2, d).build("random mixtral weights");
    }

    @Override
    protected Backbone openSupported(BackboneConfig config, Weights weights, AttentionKernel attention) {
        MixtralWeights bound = MixtralWeights.bind(config, weights);
        try {
            String declared = config.options().get(EXPERTS);
            if (declared != null && Integer.parseInt(declared) != bound.experts()) {
                throw new valle.api.ModelFormatException(weights.source() + ": the config declares " + declared
                        + " experts, the router gate has " + bound.experts());
            }
            int k = option(config, EXPERTS_PER_TOKEN, Math.min(2, bound.experts()));
            if (k > bound.experts()) {
                throw new IllegalArgumentException("mixtral: " + k + " experts per token, but the checkpoint has "
                        + bound.experts());
            }
            return new MixtralBackbone(config, bound, attention, k, option(config, SLIDING_WINDOW, REFERENCE_WINDOW));
        } catch (RuntimeException | Error e) {
            // the packed weights of a backbone that was never made
            bound.memory().close();
            throw e;
        }
    }

    private static int option(BackboneConfig c, String key, int fallback) {
        String v = c.options().get(key);
        return v == null ? fallback : Integer.parseInt(v);
    }
}

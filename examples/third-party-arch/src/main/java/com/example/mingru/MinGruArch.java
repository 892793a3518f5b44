package com.example.mingru;

import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.attention.AttentionKernel;
import valle.api.tensor.RandomTensors;
import valle.api.tensor.Weights;
import valle.kit.plugin.ArchPlugin;

/**
 * The plugin that builds a minGRU stack ({@code arch_type: mingru}): per layer an RMSNorm, then the minimal gated
 * recurrence of Feng et al., "Were RNNs All We Needed?" (2024), added to the residual stream; a final RMSNorm.
 * Only {@code hiddenSize}, {@code layers} and {@code normEps} of the config matter.
 */
public final class MinGruArch extends ArchPlugin {

    /** The plugin, as the service loader makes it. */
    public MinGruArch() {
        super("mingru", 10, "minGRU stack (example third-party plugin): "
                + "gated linear recurrence, constant-size decode state");
    }

    /** The attention kernel is ignored: a recurrence has no attention. */
    @Override
    protected Backbone openSupported(BackboneConfig config, Weights weights, AttentionKernel attention) {
        int d = config.hiddenSize();
        MinGruLayer[] layers = new MinGruLayer[config.layers()];
        for (int l = 0; l < layers.length; l++) {
            String p = "layers." + l + ".";
            layers[l] = new MinGruLayer(weights.require(p + "norm.weight", d).toFloatArray(),
                    weights.require(p + "gate.weight", d, d).toFloatArray(),
                    weights.require(p + "candidate.weight", d, d).toFloatArray(), config.normEps());
        }
        float[] finalNorm = weights.require("norm.weight", d).toFloatArray();
        return new MinGruBackbone(config, layers, finalNorm);
    }

    @Override
    public Weights randomWeights(BackboneConfig c, long seed) {
        int d = c.hiddenSize();
        RandomTensors t = new RandomTensors(seed);
        for (int l = 0; l < c.layers(); l++) {
            String p = "layers." + l + ".";
            t.around(p + "norm.weight", 1, 0.2, d)
                    .linear(p + "gate.weight", d, d)
                    .linear(p + "candidate.weight", d, d);
        }
        return t.around("norm.weight", 1, 0.2, d).build("random mingru weights");
    }
}

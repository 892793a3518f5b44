package com.example.mingru;

import valle.api.arch.BackboneConfig;
import valle.api.arch.BackboneInput;
import valle.api.arch.BackboneProbe;
import valle.kit.nn.RmsNorm;
import valle.kit.nn.StatefulBackbone;

/**
 * A loaded minGRU stack. A full pass is a run through a fresh state, so cached decoding gives the full pass's rows
 * bit for bit. Positions and the mask mode are ignored: the recurrence is causal and carries its own order.
 * Thread-safe: the weights are only read, every pass has its own buffers.
 */
final class MinGruBackbone extends StatefulBackbone<MinGruState> {
    private final MinGruLayer[] layers;
    private final float[] finalNorm;

    MinGruBackbone(BackboneConfig config, MinGruLayer[] layers, float[] finalNorm) {
        super(config, MinGruState.class, "mingru backbone");
        this.layers = layers;
        this.finalNorm = finalNorm;
    }

    @Override
    public MinGruState newState() {
        return new MinGruState(this, layers.length, config().hiddenSize());
    }

    /** Reports the residual stream after each layer. */
    @Override
    protected float[] pass(MinGruState state, BackboneInput input, BackboneProbe probe, boolean keep) {
        int d = config().hiddenSize();
        int rows = input.rows();
        float[] x = input.embeddings().clone();
        // layer by layer over every row: the same arithmetic as row by row, and each layer's output whole for the probe
        for (int l = 0; l < layers.length; l++) {
            layers[l].forward(x, rows, state.hidden(l));
            probe.layerOutput(l, x, rows);
        }
        state.advance(rows);
        float[] out = new float[rows * d];
        RmsNorm.apply(x, finalNorm, rows, d, config().normEps(), out);
        return out;
    }
}

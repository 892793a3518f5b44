package com.example.mingru;

import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.arch.BackboneInput;
import valle.api.arch.BackboneProbe;
import valle.api.arch.BackboneState;

/**
 * A loaded minGRU stack. A full pass is a run through a fresh state, so cached decoding gives the full pass's rows
 * bit for bit. Positions and the mask mode are ignored: the recurrence is causal and carries its own order.
 * Thread-safe: the weights are only read, every pass has its own buffers.
 */
final class MinGruBackbone implements Backbone {
    private final BackboneConfig config;
    private final MinGruLayer[] layers;
    private final float[] finalNorm;
    private volatile boolean closed;

    MinGruBackbone(BackboneConfig config, MinGruLayer[] layers, float[] finalNorm) {
        this.config = config;
        this.layers = layers;
        this.finalNorm = finalNorm;
    }

    @Override
    public BackboneConfig config() {
        return config;
    }

    @Override
    public float[] forward(BackboneInput input) {
        return forward(input, new BackboneProbe() { });
    }

    /** Reports the residual stream after each layer. */
    @Override
    public float[] forward(BackboneInput input, BackboneProbe probe) {
        try (MinGruState scratch = newState()) {
            return pass(scratch, input, probe);
        }
    }

    @Override
    public MinGruState newState() {
        return new MinGruState(this, layers.length, config.hiddenSize());
    }

    @Override
    public float[] forward(BackboneState state, BackboneInput input) {
        if (!(state instanceof MinGruState s) || s.owner != this) {
            throw new IllegalArgumentException("this state was not made by this mingru backbone");
        }
        return pass(s, input, new BackboneProbe() { });
    }

    private float[] pass(MinGruState state, BackboneInput input, BackboneProbe probe) {
        if (closed) {
            throw new IllegalStateException("this mingru backbone is closed");
        }
        state.checkOpen();
        int d = config.hiddenSize();
        if (input.rows() > 0 && input.width() != d) {
            throw new IllegalArgumentException("input rows are " + input.width() + " wide, the backbone is " + d);
        }
        int rows = input.rows();
        float[] x = input.embeddings().clone();
        float[] scratch = new float[d];
        // layer by layer over every row: the same arithmetic as row by row, and each layer's output whole for the probe
        for (int l = 0; l < layers.length; l++) {
            float[] h = state.hidden(l);
            for (int r = 0; r < rows; r++) {
                layers[l].step(x, r * d, h, scratch);
            }
            probe.layerOutput(l, x, rows);
        }
        float[] out = new float[rows * d];
        for (int r = 0; r < rows; r++) {
            MinGruLayer.rmsNorm(x, r * d, finalNorm, config.normEps(), scratch);
            System.arraycopy(scratch, 0, out, r * d, d);
        }
        state.advance(rows);
        return out;
    }

    @Override
    public void close() {
        closed = true;
    }
}

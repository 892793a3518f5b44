package com.example.mingru;

import java.util.Arrays;
import valle.kit.nn.OwnedState;

/** A minGRU stack's decode state: each layer's {@code h} (constant size, whatever the length) and the rows seen. */
final class MinGruState extends OwnedState<MinGruState> {
    private final float[][] hidden;

    MinGruState(MinGruBackbone owner, int layers, int width) {
        super(owner, "mingru state");
        this.hidden = new float[layers][width];
    }

    private MinGruState(MinGruState from) {
        super(from);
        this.hidden = new float[from.hidden.length][];
        for (int l = 0; l < hidden.length; l++) {
            hidden[l] = from.hidden[l].clone();
        }
    }

    /** Layer {@code layer}'s {@code h}, which a pass advances in place. */
    float[] hidden(int layer) {
        ensureOpen();
        return hidden[layer];
    }

    @Override
    protected MinGruState copy() {
        return new MinGruState(this);
    }

    @Override
    protected void clear() {
        for (float[] h : hidden) {
            Arrays.fill(h, 0);
        }
    }

    /** Nothing to free: the arrays go with the state. */
    @Override
    protected void release() {
    }
}

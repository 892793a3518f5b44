package com.example.mingru;

import valle.api.arch.BackboneState;

/** A minGRU stack's decode state: each layer's {@code h} (constant size, whatever the length) and the rows seen. */
final class MinGruState implements BackboneState {
    final MinGruBackbone owner;
    private final float[][] hidden;
    private int length;
    private boolean closed;

    MinGruState(MinGruBackbone owner, int layers, int width) {
        this(owner, new float[layers][width], 0);
    }

    private MinGruState(MinGruBackbone owner, float[][] hidden, int length) {
        this.owner = owner;
        this.hidden = hidden;
        this.length = length;
    }

    /** Layer {@code layer}'s {@code h}, which a pass advances in place. */
    float[] hidden(int layer) {
        checkOpen();
        return hidden[layer];
    }

    void advance(int rows) {
        length += rows;
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this mingru state is closed");
        }
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public BackboneState fork() {
        checkOpen();
        float[][] copy = new float[hidden.length][];
        for (int l = 0; l < hidden.length; l++) {
            copy[l] = hidden[l].clone();
        }
        return new MinGruState(owner, copy, length);
    }

    @Override
    public void reset() {
        checkOpen();
        for (float[] h : hidden) {
            java.util.Arrays.fill(h, 0);
        }
        length = 0;
    }

    @Override
    public void close() {
        closed = true;
    }
}

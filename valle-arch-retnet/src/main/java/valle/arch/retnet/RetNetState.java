package valle.arch.retnet;

import valle.api.arch.BackboneState;

/**
 * The recurrent retention state of every layer, torchscale's {@code prev_key_value} {@code S [H, dv, dk]}
 * (value-major, as torchscale keeps it) and {@code scale} {@code c [H]}, float32: constant in size whatever
 * the sequence length, which is why a RetNet decodes without a KV cache.
 */
final class RetNetState implements BackboneState {

    /** One layer's state; {@code scale[h] == 0} until the first row. */
    static final class Layer {
        final float[] values;
        final float[] scale;

        Layer(int heads, int dv, int dk) {
            this.values = new float[heads * dv * dk];
            this.scale = new float[heads];
        }

        Layer(Layer from) {
            this.values = from.values.clone();
            this.scale = from.scale.clone();
        }
    }

    final RetNetBackbone owner;
    final Layer[] layers;
    private int length;
    private boolean closed;

    RetNetState(RetNetBackbone owner, int layerCount, int heads, int dv, int dk) {
        this.owner = owner;
        this.layers = new Layer[layerCount];
        for (int l = 0; l < layerCount; l++) {
            layers[l] = new Layer(heads, dv, dk);
        }
    }

    private RetNetState(RetNetState from) {
        this.owner = from.owner;
        this.layers = new Layer[from.layers.length];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = new Layer(from.layers[l]);
        }
        this.length = from.length;
    }

    @Override
    public int length() {
        return length;
    }

    void advance(int rows) {
        length += rows;
    }

    @Override
    public RetNetState fork() {
        ensureOpen();
        return new RetNetState(this);
    }

    @Override
    public void reset() {
        ensureOpen();
        for (Layer l : layers) {
            java.util.Arrays.fill(l.values, 0);
            java.util.Arrays.fill(l.scale, 0);
        }
        length = 0;
    }

    @Override
    public void close() {
        closed = true;
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this retnet state is closed");
        }
    }
}

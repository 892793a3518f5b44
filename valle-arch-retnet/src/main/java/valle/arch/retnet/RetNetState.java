package valle.arch.retnet;

import java.util.Arrays;
import valle.kit.nn.OwnedState;

/**
 * The recurrent retention state of every layer, torchscale's {@code prev_key_value} {@code S [H, dv, dk]}
 * (value-major, as torchscale keeps it) and {@code scale} {@code c [H]}, float32: constant in size whatever
 * the sequence length, which is why a RetNet decodes without a KV cache.
 */
final class RetNetState extends OwnedState<RetNetState> {

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

    final Layer[] layers;

    RetNetState(RetNetBackbone owner, int layerCount, int heads, int dv, int dk) {
        super(owner, "retnet state");
        this.layers = new Layer[layerCount];
        for (int l = 0; l < layerCount; l++) {
            layers[l] = new Layer(heads, dv, dk);
        }
    }

    private RetNetState(RetNetState from) {
        super(from);
        this.layers = new Layer[from.layers.length];
        for (int l = 0; l < layers.length; l++) {
            layers[l] = new Layer(from.layers[l]);
        }
    }

    @Override
    protected RetNetState copy() {
        return new RetNetState(this);
    }

    @Override
    protected void clear() {
        for (Layer l : layers) {
            Arrays.fill(l.values, 0);
            Arrays.fill(l.scale, 0);
        }
    }

    /** The arrays are small and fixed in size: the garbage collector takes them with the state. */
    @Override
    protected void release() {
    }
}

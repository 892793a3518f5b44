package valle.kit.nn;

import valle.api.Experimental;
import valle.api.tensor.TensorView;
import valle.api.tensor.Weights;

/** A tensor a backbone expects: its name (relative to the backbone's prefix) and its shape. */
@Experimental("shared by the Llama-shaped backbones since the kit was made")
public record TensorSpec(String name, int... shape) {

    /**
     * The tensor in {@code weights}.
     *
     * @throws valle.api.ModelFormatException naming the tensor when it is missing or has another shape
     */
    public TensorView require(Weights weights) {
        return weights.require(name, shape);
    }
}

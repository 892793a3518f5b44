package valle.api.tensor;

import java.util.ArrayList;
import java.util.List;
import valle.api.Experimental;

/**
 * Builds random weights, for {@code Arch.randomWeights}: uniform values of a given scale, or around a centre
 * (norm weights). Deterministic for a seed: the tensors draw, in the order they are added, from one
 * {@code SplittableRandom(seed)}. The values are computed when read, not held, so random weights of any size
 * take no memory until a backbone packs them.
 */
@Experimental("a helper for benchmarks and tests")
public final class RandomTensors {
    private final long seed;
    private final List<TensorView> tensors = new ArrayList<>();
    /** Draws taken by the tensors so far: where the next tensor's values start in the generator's sequence. */
    private long draws;

    public RandomTensors(long seed) {
        this.seed = seed;
    }

    /** A tensor of values uniform in {@code [-scale, scale)}. */
    public RandomTensors uniform(String name, double scale, int... shape) {
        return add(name, 0, scale, shape);
    }

    /** A linear weight {@code [out, in]} scaled by {@code 1/sqrt(in)}, which keeps activations near unit size. */
    public RandomTensors linear(String name, int out, int in) {
        return add(name, 0, Math.sqrt(3.0 / in), out, in);
    }

    /** Values uniform in {@code [centre - spread, centre + spread)} (norm weights around 1). */
    public RandomTensors around(String name, double centre, double spread, int... shape) {
        return add(name, centre, spread, shape);
    }

    /** A tensor with given values (a constant of the architecture, not a learned weight). */
    public RandomTensors with(TensorView tensor) {
        tensors.add(tensor);
        return this;
    }

    public Weights build(String source) {
        return Weights.of(source, tensors);
    }

    private RandomTensors add(String name, double centre, double scale, int... shape) {
        RandomTensor tensor = new RandomTensor(name, shape, seed, draws, centre, scale);
        tensors.add(tensor);
        draws += tensor.size();
        return this;
    }
}

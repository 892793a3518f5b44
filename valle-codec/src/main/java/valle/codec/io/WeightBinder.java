package valle.codec.io;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import valle.api.ModelFormatException;
import valle.api.tensor.ArrayTensor;
import valle.api.tensor.TensorView;
import valle.api.tensor.Weights;

/**
 * Hands a checkpoint's tensors to the model that binds them, strictly: each is checked against the shape the
 * model's config implies, and {@link #checkAllUsed} refuses tensors no part of the model took, so a checkpoint
 * of another model or configuration fails naming the tensor and the file. In random mode (benchmarks) every
 * tensor asked for is drawn instead, deterministically for a seed, in the order the model asks. What it hands
 * out is remembered, so that the tensors a model was built from can be handed on ({@link #handedOut}).
 */
public final class WeightBinder {
    private final String source;
    private final Map<String, TensorView> byName = new TreeMap<>();
    private final Set<String> used = new LinkedHashSet<>();
    private final Map<String, TensorView> handedOut = new LinkedHashMap<>();
    private final SplittableRandom random;

    private WeightBinder(String source, SplittableRandom random) {
        this.source = source;
        this.random = random;
    }

    /** The tensors of {@code weights} under the names {@code rename} gives them (one naming for all layouts). */
    public static WeightBinder of(Weights weights, UnaryOperator<String> rename) {
        WeightBinder b = new WeightBinder(weights.source(), null);
        for (String name : weights.names()) {
            if (b.byName.put(rename.apply(name), weights.find(name).orElseThrow()) != null) {
                throw new ModelFormatException(weights.source() + ": tensor '" + name + "' appears twice (under two namings)");
            }
        }
        return b;
    }

    /**
     * Random weights: linear and conv weights uniform with variance {@code 1/fan_in}, vectors (biases) near
     * zero, and tables the caller marks with {@link #drawUnit} uniform in [-1, 1].
     */
    public static WeightBinder random(String model, long seed) {
        return new WeightBinder("random " + model + " weights (seed " + seed + ")", new SplittableRandom(seed));
    }

    public String source() {
        return source;
    }

    public boolean isRandom() {
        return random != null;
    }

    public boolean has(String name) {
        return byName.containsKey(name);
    }

    /** The shape of a stored tensor, or {@code null} (always, in random mode). */
    public int[] shape(String name) {
        TensorView t = byName.get(name);
        return t == null ? null : t.shape();
    }

    /** The tensor {@code name} as float32, checked against {@code shape}. */
    public float[] take(String name, int... shape) {
        if (random != null) {
            return handOut(name, shape, draw(shape, shape.length == 1 ? 0.01 : Math.sqrt(3.0 / (count(shape) / shape[0]))));
        }
        TensorView t = byName.get(name);
        if (t == null) {
            throw new ModelFormatException(source + ": tensor '" + name + "' is missing (a checkpoint of another model"
                    + " or configuration?)");
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new ModelFormatException(source + ": tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                    + ", expected " + Arrays.toString(shape) + " for this configuration");
        }
        used.add(name);
        return handOut(name, shape, t.toFloatArray());
    }

    /** As {@link #take}, but drawn uniform in [-1, 1] in random mode (codebooks, whose scale is the signal's). */
    public float[] drawUnit(String name, int... shape) {
        return random != null ? handOut(name, shape, draw(shape, 1.0)) : take(name, shape);
    }

    /**
     * Records {@code data} as the tensor {@code name} the model was built from, in place of the tensors
     * {@code replacing} it was derived from (a weight-norm pair folded into one weight); returns {@code data}.
     */
    public float[] handOut(String name, int[] shape, float[] data, String... replacing) {
        for (String r : replacing) {
            handedOut.remove(r);
        }
        handedOut.put(name, new ArrayTensor(name, shape, data));
        return data;
    }

    /** Every tensor handed out so far (as float32 arrays shared with the model, not copied), under its name. */
    public Weights handedOut() {
        return Weights.of(source, handedOut.values());
    }

    /**
     * Refuses any stored tensor no part of the model took, except those {@code mayStayUnused} accepts.
     *
     * @param model what the model is, for the message ("an EnCodec model")
     */
    public void checkAllUsed(Predicate<String> mayStayUnused, String model) {
        Set<String> left = new LinkedHashSet<>(byName.keySet());
        left.removeAll(used);
        left.removeIf(mayStayUnused);
        if (!left.isEmpty()) {
            throw new ModelFormatException(source + ": " + left.size() + " tensor(s) that " + model + " of this "
                    + "configuration does not have, e.g. '" + left.iterator().next() + "' (a checkpoint of another model?)");
        }
    }

    private float[] draw(int[] shape, double scale) {
        float[] v = new float[count(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        }
        return v;
    }

    private static int count(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}

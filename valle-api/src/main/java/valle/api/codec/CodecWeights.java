package valle.api.codec;

import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import valle.api.Experimental;
import valle.api.ModelFormatException;
import valle.api.tensor.Weights;

/**
 * A codec's weights as its plugin reads them from the published files ({@link Codec#readWeights}), for a backend
 * that runs the same network on another runtime: the ONNX Runtime codecs build their graphs from these, so
 * that every weight layout a plain-Java codec reads works on every backend without a second reader.
 *
 * @param codec    the name of the codec plugin that read them ({@code encodec}, {@code vocos})
 * @param source   where they were read from, for error messages
 * @param settings the network's hyper-parameters by name, each a list of numbers (a scalar is a list of one);
 *                 the reading plugin documents the names
 * @param tensors  every tensor the network uses, under the reading plugin's documented names, with
 *                 reparametrisations such as weight norm already folded
 */
@Experimental("added for the ONNX Runtime codecs")
public record CodecWeights(String codec, String source, Map<String, double[]> settings, Weights tensors) {

    public CodecWeights {
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(tensors, "tensors");
        Objects.requireNonNull(settings, "settings");
        Map<String, double[]> copy = new TreeMap<>();
        settings.forEach((k, v) -> copy.put(k, v.clone()));
        settings = java.util.Collections.unmodifiableMap(copy);
    }

    /** The setting {@code key}, a copy. */
    public double[] numbers(String key) {
        double[] v = settings.get(key);
        if (v == null) {
            throw new ModelFormatException(source + ": the " + codec + " reader gave no setting '" + key
                    + "' (settings: " + settings.keySet() + ")");
        }
        return v.clone();
    }

    /** The setting {@code key} as whole numbers. */
    public int[] integers(String key) {
        double[] v = numbers(key);
        int[] out = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] != Math.rint(v[i])) {
                throw new ModelFormatException(source + ": setting '" + key + "' is " + Arrays.toString(v)
                        + ", not whole numbers");
            }
            out[i] = (int) v[i];
        }
        return out;
    }

    /** The setting {@code key}, which must be one whole number. */
    public int integer(String key) {
        int[] v = integers(key);
        if (v.length != 1) {
            throw new ModelFormatException(source + ": setting '" + key + "' is " + Arrays.toString(v) + ", not one number");
        }
        return v[0];
    }
}

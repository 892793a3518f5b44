package valle.backend.onnx;

import java.util.LinkedHashMap;
import java.util.Map;
import valle.api.ModelFormatException;
import valle.api.codec.CodecWeights;
import valle.api.tensor.ArrayTensor;
import valle.api.tensor.TensorView;

/**
 * The operations the codec graphs are made of, over signals {@code [1, channels, length]} and rows
 * {@code [length, channels]}, with the weights of one {@link CodecWeights} declared as the graph uses them
 * (by their names there; ORT reads them from the tensors {@link CodecRuntime} hands it), and tensors derived from
 * them (reordered LSTM gates, stacked codebooks, the ISTFT basis), declared the same way under names no checkpoint
 * uses, so that the sessions of one codec share them instead of each holding a copy in its graph. Lengths are
 * symbolic, so one graph serves every input length: padding that depends on the length is computed inside the
 * graph.
 */
final class SignalGraph {
    /** Where derived tensors' names start: no checkpoint tensor name has a '/'. */
    private static final String DERIVED = "derived/";

    private final OnnxGraph g;
    private final CodecWeights weights;
    private final Map<String, TensorView> derived = new LinkedHashMap<>();

    SignalGraph(String name, CodecWeights weights) {
        this.g = new OnnxGraph(name);
        this.weights = weights;
    }

    OnnxGraph onnx() {
        return g;
    }

    /** A serialized graph, the names of the weights it reads, and the derived ones among them. */
    record Built(OnnxGraph.Model model, Map<String, TensorView> derived) {
    }

    /** The graph as built so far. */
    Built built() {
        return new Built(g.model(), Map.copyOf(derived));
    }

    /**
     * Declares the derived tensor {@code name} of shape {@code dims}, made by {@code values} (called only the first
     * time this graph declares it), and returns its graph name.
     */
    String derived(String name, java.util.function.Supplier<float[]> values, int... dims) {
        String full = DERIVED + name;
        if (!derived.containsKey(full)) {
            derived.put(full, new ArrayTensor(full, dims, values.get()));
            g.weight(full, dims);
        }
        return full;
    }

    /** The shape of the weight {@code name}; refuses a missing one naming it. */
    int[] shape(String name) {
        TensorView t = weights.tensors().find(name).orElseThrow(() -> new ModelFormatException(weights.source()
                + ": tensor '" + name + "' is missing (the " + weights.codec() + " reader handed out no such weight)"));
        return t.shape();
    }

    /** Declares the weight {@code name} (once) and returns its graph name. */
    String weight(String name) {
        if (!g.weights().contains(name)) {
            g.weight(name, shape(name));
        }
        return name;
    }

    /** The weight {@code name} as floats (for constants derived from it). */
    float[] values(String name) {
        shape(name);
        return weights.tensors().find(name).orElseThrow().toFloatArray();
    }

    /** {@code Conv1d} with weight {@code prefix.weight [out, in/group, k]} and {@code prefix.bias}, zero pads given. */
    String conv(String x, String prefix, int stride, int dilation, int group, int padLeft, int padRight) {
        return g.node("Conv", new String[] {x, weight(prefix + ".weight"), weight(prefix + ".bias")},
                "strides", new long[] {stride}, "dilations", new long[] {dilation}, "group", group,
                "pads", new long[] {padLeft, padRight});
    }

    /** {@code ConvTranspose1d} with weight {@code prefix.weight [in, out, k]} and {@code prefix.bias}. */
    String convTranspose(String x, String prefix, int stride) {
        return g.node("ConvTranspose", new String[] {x, weight(prefix + ".weight"), weight(prefix + ".bias")},
                "strides", new long[] {stride});
    }

    /** The length of a signal's axis {@code axis}, as an int64 tensor {@code [1]}. */
    String length(String x, int axis) {
        return g.node("Shape", x, "start", axis, "end", axis + 1);
    }

    /**
     * EnCodec's {@code pad1d(mode='reflect')} of {@code left} samples and {@code right} (an int64 {@code [1]}
     * tensor) on the length axis: where the signal is not longer than the larger pad, zeros are appended
     * first and cut again after the reflection, as upstream does.
     */
    String reflectPad(String x, int left, String right) {
        String len = length(x, 2);
        String larger = g.node("Max", new String[] {g.ints(left), right});
        String zeros = g.node("Max", new String[] {g.ints(0), g.node("Sub", new String[] {
            g.node("Add", new String[] {larger, g.ints(1)}), len})});
        String widened = g.node("Pad", new String[] {x, g.node("Concat", new String[] {g.ints(0, 0, 0, 0, 0), zeros},
            "axis", 0)}, "mode", "constant");
        String reflected = g.node("Pad", new String[] {widened, g.node("Concat", new String[] {g.ints(0, 0, left, 0, 0),
            right}, "axis", 0)}, "mode", "reflect");
        String kept = g.node("Add", new String[] {g.node("Add", new String[] {len, g.ints(left)}), right});
        return g.node("Slice", new String[] {reflected, g.ints(0), kept, g.ints(2)});
    }

    /** {@code x[..., start : length - end]} on the last axis of a signal. */
    String trim(String x, int start, int end) {
        if (start == 0 && end == 0) {
            return x;
        }
        return g.node("Slice", new String[] {x, g.ints(start), g.ints(end == 0 ? Long.MAX_VALUE : -end), g.ints(2)});
    }

    String elu(String x) {
        return g.node("Elu", x, "alpha", 1f);
    }

    /** Exact GELU: {@code x/2 · (1 + erf(x/√2))}. */
    String gelu(String x) {
        String erf = g.node("Erf", g.node("Mul", new String[] {x, g.scalar((float) (1 / Math.sqrt(2)))}));
        return g.node("Mul", new String[] {g.node("Mul", new String[] {x, g.scalar(0.5f)}),
            g.node("Add", new String[] {erf, g.scalar(1f)})});
    }

    String add(String a, String b) {
        return g.node("Add", new String[] {a, b});
    }

    String mul(String a, String b) {
        return g.node("Mul", new String[] {a, b});
    }

    /** Signal {@code [1, C, L]} to rows {@code [L, C]}. */
    String rows(String signal) {
        return g.node("Transpose", g.node("Squeeze", new String[] {signal, g.ints(0)}), "perm", new long[] {1, 0});
    }

    /** Rows {@code [L, C]} to a signal {@code [1, C, L]}. */
    String signal(String rows) {
        return g.node("Unsqueeze", new String[] {g.node("Transpose", rows, "perm", new long[] {1, 0}), g.ints(0)});
    }

    /** {@code rows · Wᵀ + b} for {@code prefix.weight [out, in]} and {@code prefix.bias}. */
    String linear(String rows, String prefix) {
        return g.node("Gemm", new String[] {rows, weight(prefix + ".weight"), weight(prefix + ".bias")}, "transB", 1);
    }

    /**
     * Per frame, the sum over the given levels of a stacked table's rows: codes {@code [T, L]} (int64) read
     * {@code table[level · bins + code]}, which is how EnCodec's decoder sums its codebooks and Vocos its
     * feature table; gives the signal {@code [1, width, T]}. {@code L} may be any count up to
     * {@code table rows / bins}.
     */
    String codebookSum(String codes, String table, int bins, int levels) {
        long[] offsets = new long[levels];
        for (int q = 0; q < levels; q++) {
            offsets[q] = (long) q * bins;
        }
        String given = g.node("Slice", new String[] {g.ints(offsets), g.ints(0), length(codes, 1), g.ints(0)});
        String picked = g.node("Gather", new String[] {table, g.node("Add", new String[] {codes, given})}, "axis", 0);
        return signal(g.node("ReduceSum", new String[] {picked, g.ints(1)}, "keepdims", 0));
    }
}

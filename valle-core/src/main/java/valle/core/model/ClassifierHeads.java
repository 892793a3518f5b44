package valle.core.model;

import java.util.ArrayList;
import java.util.List;
import valle.api.tensor.TensorView;
import valle.api.tensor.Weights;

/**
 * The split classifier heads ({@code classifiers.proj.i}, {@code [classes, D]} plus optional bias): one per
 * level and task, chosen by name and applied to the rows the loop samples. Thread-safe.
 */
public final class ClassifierHeads {
    private final ModelLayout layout;
    private final List<TensorView> weights = new ArrayList<>();
    private final List<float[]> biases = new ArrayList<>();

    public ClassifierHeads(ModelLayout layout, Weights w) {
        this.layout = layout;
        for (ModelLayout.Head h : layout.classifiers()) {
            String p = "classifiers.proj." + h.index();
            weights.add(w.find(p + ".weight").orElseThrow());
            if (layout.classifierBias()) {
                TensorView bias = w.find(p + ".bias").orElseThrow(() -> new valle.api.ModelFormatException(
                        w.source() + ": tensor '" + p + ".bias' is missing (classifiers.proj.0 has a bias)"));
                int rows = w.find(p + ".weight").orElseThrow().rows();
                if (bias.shape().length != 1 || bias.columns() != rows) {
                    throw new valle.api.ModelFormatException(w.source() + ": tensor '" + p + ".bias' has shape "
                            + java.util.Arrays.toString(bias.shape()) + ", expected [" + rows + "]");
                }
                biases.add(bias.toFloatArray());
            } else {
                biases.add(null);
            }
        }
    }

    /**
     * Logits of head {@code head} for {@code rows} rows of {@code hidden [*, D]} starting at {@code firstRow}.
     *
     * @return {@code [rows, classes]} row-major
     */
    public float[] logits(String head, float[] hidden, int firstRow, int rows) {
        ModelLayout.Head h = layout.head(head);
        int d = layout.hiddenSize();
        int classes = h.classes();
        TensorView w = weights.get(h.index());
        float[] bias = biases.get(h.index());
        float[] x = java.util.Arrays.copyOfRange(hidden, firstRow * d, (firstRow + rows) * d);
        float[] out = new float[rows * classes];
        if (w.rows() == classes) {
            w.linear(x, rows, out);
        } else {
            // the head was trimmed to fewer classes than the file holds: only its first rows count
            float[] all = new float[rows * w.rows()];
            w.linear(x, rows, all);
            for (int r = 0; r < rows; r++) {
                System.arraycopy(all, r * w.rows(), out, r * classes, classes);
            }
        }
        if (bias != null) {
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < classes; c++) {
                    out[r * classes + c] += bias[c];
                }
            }
        }
        return out;
    }

    /** Number of classes of head {@code head}. */
    public int classes(String head) {
        return layout.head(head).classes();
    }
}

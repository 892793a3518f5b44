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
        float[] out = new float[rows * classes];
        float[] row = new float[d];
        for (int c = 0; c < classes; c++) {
            w.readRow(c, row, 0);
            float b = bias == null ? 0f : bias[c];
            for (int r = 0; r < rows; r++) {
                int off = (firstRow + r) * d;
                float s = 0f;
                for (int i = 0; i < d; i++) {
                    s += hidden[off + i] * row[i];
                }
                out[r * classes + c] = s + b;
            }
        }
        return out;
    }

    /** Number of classes of head {@code head}. */
    public int classes(String head) {
        return layout.head(head).classes();
    }
}

package valle.core.model;

import java.util.ArrayList;
import java.util.List;
import valle.api.tensor.TensorView;
import valle.api.tensor.Weights;
import valle.kit.thread.KernelPool;

/**
 * The split classifier heads ({@code classifiers.proj.i}, {@code [classes, D]} plus optional bias): one per
 * level and task, chosen by name and applied to the rows the loop samples. Thread-safe. Large products run on
 * a kernel pool of their own, sized by valle's thread policy when the heads are loaded.
 */
public final class ClassifierHeads implements AutoCloseable {
    private final ModelLayout layout;
    private final List<LinearHead> heads = new ArrayList<>();
    private final KernelPool pool = KernelPool.configured("classifier heads");

    public ClassifierHeads(ModelLayout layout, Weights w) {
        this.layout = layout;
        for (ModelLayout.Head h : layout.classifiers()) {
            String p = "classifiers.proj." + h.index();
            TensorView weight = w.find(p + ".weight").orElseThrow();
            float[] bias = null;
            if (layout.classifierBias()) {
                TensorView biasView = w.find(p + ".bias").orElseThrow(() -> new valle.api.ModelFormatException(
                        w.source() + ": tensor '" + p + ".bias' is missing (classifiers.proj.0 has a bias)"));
                int rows = w.find(p + ".weight").orElseThrow().rows();
                if (biasView.shape().length != 1 || biasView.columns() != rows) {
                    throw new valle.api.ModelFormatException(w.source() + ": tensor '" + p + ".bias' has shape "
                            + java.util.Arrays.toString(biasView.shape()) + ", expected [" + rows + "]");
                }
                bias = java.util.Arrays.copyOf(biasView.toFloatArray(), h.classes());
            }
            // a head trimmed to fewer classes than the file holds uses only its first rows
            heads.add(new LinearHead(weight, h.classes(), bias));
        }
    }

    /**
     * Logits of head {@code head} for {@code rows} rows of {@code hidden [*, D]} starting at {@code firstRow}.
     *
     * @return {@code [rows, classes]} row-major
     */
    public float[] logits(String head, float[] hidden, int firstRow, int rows) {
        LinearHead h = heads.get(layout.head(head).index());
        float[] out = new float[rows * h.classes()];
        h.apply(hidden, firstRow, rows, out, pool);
        return out;
    }

    /** Number of classes of head {@code head}. */
    public int classes(String head) {
        return layout.head(head).classes();
    }

    /** Stops the pool's workers. */
    @Override
    public void close() {
        pool.close();
    }
}

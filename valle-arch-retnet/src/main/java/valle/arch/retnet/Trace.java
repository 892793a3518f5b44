package valle.arch.retnet;

import java.util.ArrayList;
import java.util.List;

/**
 * The intermediates of a pass per layer, appended row-wise across calls (a recurrent run adds one row per
 * call): the retention core before the group norm {@code [T, H, dv]} and the residual stream after the layer
 * {@code [T, D]}. The reference's goldens store both; tests compare them to localise a difference to a layer
 * or to the core. Passes run without one unless a test asks.
 */
final class Trace {
    private final List<List<float[]>> cores = new ArrayList<>();
    private final List<List<float[]>> layerOutputs = new ArrayList<>();

    void core(int layer, float[] rows) {
        part(cores, layer).add(rows.clone());
    }

    void layerOutput(int layer, float[] rows) {
        part(layerOutputs, layer).add(rows.clone());
    }

    /** Every row of layer {@code layer}'s retention core recorded so far. */
    float[] core(int layer) {
        return joined(cores, layer);
    }

    /** Every row of the residual stream after layer {@code layer} recorded so far. */
    float[] layerOutput(int layer) {
        return joined(layerOutputs, layer);
    }

    private static List<float[]> part(List<List<float[]>> all, int layer) {
        while (all.size() <= layer) {
            all.add(new ArrayList<>());
        }
        return all.get(layer);
    }

    private static float[] joined(List<List<float[]>> all, int layer) {
        List<float[]> parts = layer < all.size() ? all.get(layer) : List.of();
        int n = 0;
        for (float[] p : parts) {
            n += p.length;
        }
        float[] out = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}

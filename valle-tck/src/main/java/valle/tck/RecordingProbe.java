package valle.tck;

import java.util.ArrayList;
import java.util.List;
import valle.api.arch.BackboneProbe;

/** Keeps what a backbone reports during one pass: each layer's output and each router's decision, in layer order. */
final class RecordingProbe implements BackboneProbe {
    final List<float[]> layerOutputs = new ArrayList<>();
    final List<float[]> routerLogits = new ArrayList<>();
    final List<int[]> routerChosen = new ArrayList<>();
    final List<float[]> routerWeights = new ArrayList<>();

    @Override
    public void layerOutput(int layer, float[] hidden, int rows) {
        layerOutputs.add(hidden.clone());
    }

    @Override
    public void routing(int layer, int rows, int experts, float[] logits, int[] chosen, float[] weights) {
        routerLogits.add(logits.clone());
        routerChosen.add(chosen.clone());
        routerWeights.add(weights.clone());
    }
}

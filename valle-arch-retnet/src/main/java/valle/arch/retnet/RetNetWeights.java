package valle.arch.retnet;

import java.util.ArrayList;
import java.util.List;
import valle.api.ModelFormatException;
import valle.api.arch.BackboneConfig;
import valle.api.tensor.TensorView;
import valle.api.tensor.Weights;

/**
 * The tensors of a RetNet stack (torchscale names, relative to the backbone prefix), checked once. The
 * relative-position buffers {@code retnet_rel_pos.angle [dk]} and {@code .decay [H]} are read from the
 * checkpoint, not recomputed: the reference's export rounds them to float16 and computes with the rounded values.
 */
record RetNetWeights(List<Layer> layers, float[] finalNorm, float[] angle, float[] decay, int keyDim, int valueDim) {

    record Layer(TensorView q, TensorView k, TensorView v, TensorView g, TensorView out, float[] retentionNorm,
                 TensorView fc1, TensorView gate, TensorView fc2, float[] ffnNorm) {
    }

    static RetNetWeights bind(BackboneConfig c, Weights w) {
        int d = c.hiddenSize();
        int h = c.heads();
        int dk = d / h;
        TensorView v0 = w.find("layers.0.retention.v_proj.weight").orElseThrow(() -> new ModelFormatException(
                w.source() + ": tensor 'model.layers.0.retention.v_proj.weight' is missing (not a RetNet checkpoint?)"));
        int vw = v0.rows();
        if (vw % h != 0) {
            throw new ModelFormatException(w.source() + ": retention value width " + vw + " is not a multiple of "
                    + h + " heads");
        }
        int f = w.find("layers.0.ffn.fc1.weight").orElseThrow(() -> new ModelFormatException(
                w.source() + ": tensor 'model.layers.0.ffn.fc1.weight' is missing")).rows();
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            String p = "layers." + i + ".";
            String r = p + "retention.";
            layers.add(new Layer(
                    w.require(r + "q_proj.weight", d, d),
                    w.require(r + "k_proj.weight", d, d),
                    w.require(r + "v_proj.weight", vw, d),
                    w.require(r + "g_proj.weight", vw, d),
                    w.require(r + "out_proj.weight", d, vw),
                    w.require(p + "retention_layer_norm.weight", d).toFloatArray(),
                    w.require(p + "ffn.fc1.weight", f, d),
                    w.require(p + "ffn.gate.weight", f, d),
                    w.require(p + "ffn.fc2.weight", d, f),
                    w.require(p + "final_layer_norm.weight", d).toFloatArray()));
        }
        return new RetNetWeights(List.copyOf(layers), w.require("layer_norm.weight", d).toFloatArray(),
                w.require("retnet_rel_pos.angle", dk).toFloatArray(), w.require("retnet_rel_pos.decay", h).toFloatArray(),
                dk, vw / h);
    }
}

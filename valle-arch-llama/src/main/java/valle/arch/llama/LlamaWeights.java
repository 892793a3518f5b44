package valle.arch.llama;

import java.util.ArrayList;
import java.util.List;
import valle.api.ModelFormatException;
import valle.api.arch.BackboneConfig;
import valle.api.tensor.TensorView;
import valle.api.tensor.Weights;
import valle.kit.matrix.PackedMatrix;
import valle.kit.matrix.WeightFormat;

/**
 * The tensors of a Llama stack, checked against the config once. Names are HF's, relative to the backbone
 * prefix: {@code layers.{i}.self_attn.q_proj.weight} and so on; linear weights are {@code [out, in]}.
 *
 * <p>Projections that read the same input are packed into one matrix so that one kernel call (one pass over
 * the weights, one split over the threads) computes them: {@code q|k|v} as {@code [D + 2·kv, D]} and
 * {@code gate|up} as {@code [2F, D]}; their outputs lie side by side in each row.
 */
record LlamaWeights(List<Layer> layers, float[] finalNorm) {

    record Layer(float[] attentionNorm, PackedMatrix qkv, PackedMatrix o, float[] mlpNorm, PackedMatrix gateUp,
                 PackedMatrix down) {
    }

    /** @param format the kernels' weight format; {@code null} keeps each tensor's file dtype */
    static LlamaWeights bind(BackboneConfig c, Weights w, WeightFormat format) {
        int d = c.hiddenSize();
        int kv = c.kvHeads() * c.headDim();
        int f = c.intermediateSize();
        List<Layer> layers = new ArrayList<>(c.layers());
        for (int i = 0; i < c.layers(); i++) {
            String p = "layers." + i + ".";
            TensorView q = w.require(p + "self_attn.q_proj.weight", d, d);
            TensorView k = w.require(p + "self_attn.k_proj.weight", kv, d);
            TensorView v = w.require(p + "self_attn.v_proj.weight", kv, d);
            TensorView gate = w.require(p + "mlp.gate_proj.weight", f, d);
            TensorView up = w.require(p + "mlp.up_proj.weight", f, d);
            PackedMatrix qkv = stacked(format != null ? format : PackedMatrix.keptFormat(q, k, v), d, q, k, v);
            layers.add(new Layer(
                    w.require(p + "input_layernorm.weight", d).toFloatArray(),
                    qkv,
                    PackedMatrix.of(w.require(p + "self_attn.o_proj.weight", d, d), format),
                    w.require(p + "post_attention_layernorm.weight", d).toFloatArray(),
                    stacked(format != null ? format : PackedMatrix.keptFormat(gate, up), d, gate, up),
                    PackedMatrix.of(w.require(p + "mlp.down_proj.weight", d, f), format)));
        }
        if (w.find("layers." + c.layers() + ".input_layernorm.weight").isPresent()) {
            throw new ModelFormatException(w.source() + ": the checkpoint has more than the "
                    + c.layers() + " layers its config declares");
        }
        return new LlamaWeights(List.copyOf(layers), w.require("norm.weight", d).toFloatArray());
    }

    /** Matrices of the same input width stacked along their outputs into one packed matrix. */
    private static PackedMatrix stacked(WeightFormat format, int in, TensorView... parts) {
        int total = 0;
        for (TensorView t : parts) {
            total += t.rows();
        }
        return PackedMatrix.of(format, total, in, (o, dst) -> {
            int row = o;
            for (TensorView t : parts) {
                if (row < t.rows()) {
                    t.readRow(row, dst, 0);
                    return;
                }
                row -= t.rows();
            }
        });
    }
}

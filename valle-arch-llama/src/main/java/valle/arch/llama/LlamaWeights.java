package valle.arch.llama;

import java.util.ArrayList;
import java.util.List;
import valle.api.arch.BackboneConfig;
import valle.api.tensor.TensorView;
import valle.api.tensor.Weights;
import valle.kit.matrix.PackedMatrix;
import valle.kit.matrix.WeightMemory;
import valle.api.tensor.WeightFormat;
import valle.kit.nn.LlamaShape;

/**
 * The tensors of a Llama stack, checked against the config once. Names are HF's, relative to the backbone
 * prefix: {@code layers.{i}.self_attn.q_proj.weight} and so on; linear weights are {@code [out, in]}.
 *
 * <p>Projections that read the same input are packed into one matrix so that one kernel call (one pass over
 * the weights, one split over the threads) computes them: {@code q|k|v} as {@code [D + 2·kv, D]} and
 * {@code gate|up} as {@code [2F, D]}; their outputs lie side by side in each row.
 *
 * <p>The packed matrices live in {@code memory}, off the heap, one copy: the file's pages of each packed tensor
 * are dropped once it is packed. The backbone frees the memory when it closes.
 */
record LlamaWeights(List<Layer> layers, float[] finalNorm, WeightMemory memory) {

    record Layer(float[] attentionNorm, PackedMatrix qkv, PackedMatrix o, float[] mlpNorm, PackedMatrix gateUp,
                 PackedMatrix down) {
    }

    /** @param format the kernels' weight format; {@code null} keeps each tensor's file dtype */
    static LlamaWeights bind(BackboneConfig c, Weights w, WeightFormat format) {
        WeightMemory memory = WeightMemory.open("the llama backbone of " + w.source());
        try {
            return bind(c, w, format, memory);
        } catch (RuntimeException | Error e) {
            // nothing half-packed stays allocated
            memory.close();
            throw e;
        }
    }

    private static LlamaWeights bind(BackboneConfig c, Weights w, WeightFormat format, WeightMemory memory) {
        int d = c.hiddenSize();
        List<Layer> layers = new ArrayList<>(c.layers());
        for (int i = 0; i < c.layers(); i++) {
            LlamaShape.Layer names = LlamaShape.layer(c, i);
            TensorView q = names.q().require(w);
            TensorView k = names.k().require(w);
            TensorView v = names.v().require(w);
            TensorView gate = names.gate().require(w);
            TensorView up = names.up().require(w);
            TensorView o = names.o().require(w);
            TensorView down = names.down().require(w);
            PackedMatrix qkv = stacked(format != null ? format : PackedMatrix.keptFormat(q, k, v), d, memory, q, k, v);
            layers.add(new Layer(
                    names.attentionNorm().require(w).toFloatArray(),
                    qkv,
                    PackedMatrix.of(o, format, memory),
                    names.mlpNorm().require(w).toFloatArray(),
                    stacked(format != null ? format : PackedMatrix.keptFormat(gate, up), d, memory, gate, up),
                    PackedMatrix.of(down, format, memory)));
            // packed: the file's copy of these pages need not stay resident beside ours
            for (TensorView packed : List.of(q, k, v, o, gate, up, down)) {
                packed.releaseResidentPages();
            }
        }
        LlamaShape.refuseMoreLayers(c, w);
        return new LlamaWeights(List.copyOf(layers), LlamaShape.finalNorm(c).require(w).toFloatArray(), memory);
    }

    /** Matrices of the same input width stacked along their outputs into one packed matrix. */
    private static PackedMatrix stacked(WeightFormat format, int in, WeightMemory memory, TensorView... parts) {
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
        }, memory);
    }
}

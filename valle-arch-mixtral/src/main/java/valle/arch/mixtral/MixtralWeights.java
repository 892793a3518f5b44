package valle.arch.mixtral;

import java.util.ArrayList;
import java.util.List;
import valle.api.ModelFormatException;
import valle.api.arch.BackboneConfig;
import valle.api.tensor.Weights;
import valle.kit.matrix.PackedMatrix;
import valle.kit.matrix.WeightMemory;
import valle.kit.nn.LlamaShape;
import valle.kit.nn.TensorSpec;

/**
 * The tensors of a Mixtral stack, checked once against the config. Names are HF's, relative to the backbone
 * prefix ({@code layers.{l}.self_attn.q_proj.weight}, {@code layers.{l}.block_sparse_moe.experts.{e}.w1.weight},
 * ...); the expert count is the router gate's row count. {@code embed_tokens.weight}, which the reference's
 * checkpoints carry but never use (the backbone is fed embeddings), is ignored. The linear layers are packed off
 * the heap into {@code memory}, which the backbone frees when it closes.
 */
record MixtralWeights(List<Layer> layers, float[] finalNorm, int experts, WeightMemory memory) {

    record Layer(float[] attentionNorm, PackedMatrix q, PackedMatrix k, PackedMatrix v, PackedMatrix o, float[] moeNorm,
                 PackedMatrix gate, List<Expert> experts) {
    }

    static MixtralWeights bind(BackboneConfig c, Weights w) {
        WeightMemory memory = WeightMemory.open("the mixtral backbone of " + w.source());
        try {
            return bind(c, w, memory);
        } catch (RuntimeException | Error e) {
            // nothing half-packed stays allocated
            memory.close();
            throw e;
        }
    }

    private static MixtralWeights bind(BackboneConfig c, Weights w, WeightMemory memory) {
        int d = c.hiddenSize();
        int f = c.intermediateSize();
        int experts = w.find("layers.0.block_sparse_moe.gate.weight")
                .orElseThrow(() -> new ModelFormatException(w.source()
                        + ": tensor 'layers.0.block_sparse_moe.gate.weight' is missing (not a Mixtral checkpoint?)"))
                .rows();
        List<Layer> layers = new ArrayList<>(c.layers());
        for (int i = 0; i < c.layers(); i++) {
            String p = "layers." + i + ".";
            String moe = p + "block_sparse_moe.";
            List<Expert> list = new ArrayList<>(experts);
            for (int e = 0; e < experts; e++) {
                String x = moe + "experts." + e + ".";
                list.add(new Expert(linear(w, x + "w1.weight", f, d, memory),
                        linear(w, x + "w3.weight", f, d, memory), linear(w, x + "w2.weight", d, f, memory)));
            }
            if (w.find(moe + "experts." + experts + ".w1.weight").isPresent()) {
                throw new ModelFormatException(w.source() + ": layer " + i + " has more experts than the "
                        + experts + " its router gate chooses from");
            }
            LlamaShape.Layer names = LlamaShape.layer(c, i);
            layers.add(new Layer(
                    names.attentionNorm().require(w).toFloatArray(),
                    linear(w, names.q(), memory),
                    linear(w, names.k(), memory),
                    linear(w, names.v(), memory),
                    linear(w, names.o(), memory),
                    names.mlpNorm().require(w).toFloatArray(),
                    linear(w, moe + "gate.weight", experts, d, memory),
                    List.copyOf(list)));
        }
        LlamaShape.refuseMoreLayers(c, w);
        return new MixtralWeights(List.copyOf(layers), LlamaShape.finalNorm(c).require(w).toFloatArray(), experts,
                memory);
    }

    /** A bias-free linear layer's weight {@code [out, in]}, packed in the file's dtype. */
    private static PackedMatrix linear(Weights w, String name, int out, int in, WeightMemory memory) {
        return linear(w, new TensorSpec(name, out, in), memory);
    }

    private static PackedMatrix linear(Weights w, TensorSpec spec, WeightMemory memory) {
        return PackedMatrix.of(spec.require(w), null, memory);
    }
}

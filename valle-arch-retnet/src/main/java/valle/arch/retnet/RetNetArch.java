package valle.arch.retnet;

import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.attention.AttentionKernel;
import valle.api.tensor.ArrayTensor;
import valle.api.tensor.RandomTensors;
import valle.api.tensor.Weights;
import valle.kit.plugin.ArchPlugin;

/**
 * The plugin that builds VALL-E's RetNet backbone: torchscale's {@code RetNetDecoder} (RMSNorm, no biases, GLU
 * feed-forward) with the reference's retention override, as upstream torchscale runs it for the reference.
 */
public final class RetNetArch extends ArchPlugin {

    /** The plugin, as the service loader makes it. */
    public RetNetArch() {
        super("retnet", 10, "RetNet stack: multi-scale retention in parallel, chunkwise and recurrent forms; "
                + "constant-size decode state");
    }

    /** The attention kernel is ignored: retention is not attention. */
    @Override
    protected Backbone openSupported(BackboneConfig config, Weights weights, AttentionKernel attention) {
        return new RetNetBackbone(config, RetNetWeights.bind(config, weights));
    }

    /** The reference's shape: value width {@code 2·D}, feed-forward {@code 4·D}, torchscale's decay and angle buffers. */
    @Override
    public Weights randomWeights(BackboneConfig c, long seed) {
        int d = c.hiddenSize();
        int h = c.heads();
        int dk = d / h;
        RandomTensors t = new RandomTensors(seed);
        for (int i = 0; i < c.layers(); i++) {
            String p = "layers." + i + ".";
            t.linear(p + "retention.q_proj.weight", d, d)
                    .linear(p + "retention.k_proj.weight", d, d)
                    .linear(p + "retention.v_proj.weight", 2 * d, d)
                    .linear(p + "retention.g_proj.weight", 2 * d, d)
                    .linear(p + "retention.out_proj.weight", d, 2 * d)
                    .around(p + "retention_layer_norm.weight", 1, 0.2, d)
                    .linear(p + "ffn.fc1.weight", c.intermediateSize(), d)
                    .linear(p + "ffn.gate.weight", c.intermediateSize(), d)
                    .linear(p + "ffn.fc2.weight", d, c.intermediateSize())
                    .around(p + "final_layer_norm.weight", 1, 0.2, d);
        }
        float[] angle = new float[dk];
        for (int i = 0; i < dk / 2; i++) {
            double a = 1.0 / Math.pow(10000, (double) i / Math.max(1, dk / 2 - 1));
            angle[2 * i] = (float) a;
            angle[2 * i + 1] = (float) a;
        }
        float[] decay = new float[h];
        for (int i = 0; i < h; i++) {
            decay[i] = (float) Math.log(1 - Math.pow(2, -5 - i));
        }
        return t.around("layer_norm.weight", 1, 0.2, d)
                .with(new ArrayTensor("retnet_rel_pos.angle", new int[] {dk}, angle))
                .with(new ArrayTensor("retnet_rel_pos.decay", new int[] {h}, decay))
                .build("random retnet weights");
    }
}

package valle.arch.mamba;

import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.attention.AttentionKernel;
import valle.api.tensor.ArrayTensor;
import valle.api.tensor.RandomTensors;
import valle.api.tensor.Weights;
import valle.kit.plugin.ArchPlugin;

/**
 * The plugin that builds VALL-E's Mamba backbone: HF {@code MambaModel} (v1) as the reference configures it,
 * run on its slow path's math. Mamba2 is not provided: the reference runs it on CUDA only (its Triton norms
 * allocate on the GPU) and only for a 2048-wide model, so there is nothing on the CPU to match.
 */
public final class MambaArch extends ArchPlugin {

    /** The plugin, as the service loader makes it. */
    public MambaArch() {
        super("mamba", 10, "Mamba v1 stack: RMSNorm, causal depthwise conv, selective scan, gated output; "
                + "constant-size decode state");
    }

    /**
     * The reference's shape: inner width {@code 2·D}, state 16, conv kernel 4, time-step rank
     * {@code ceil(D/16)}; {@code A_log} as HF initialises it ({@code log(1..N)}).
     */
    @Override
    public Weights randomWeights(BackboneConfig c, long seed) {
        int d = c.hiddenSize();
        int inner = 2 * d;
        int n = 16;
        int k = 4;
        int rank = (d + 15) / 16;
        RandomTensors t = new RandomTensors(seed);
        float[] aLog = new float[inner * n];
        for (int i = 0; i < aLog.length; i++) {
            aLog[i] = (float) Math.log(1 + i % n);
        }
        for (int i = 0; i < c.layers(); i++) {
            String m = "layers." + i + ".mixer.";
            t.around("layers." + i + ".norm.weight", 1, 0.2, d)
                    .linear(m + "in_proj.weight", 2 * inner, d)
                    .uniform(m + "conv1d.weight", 0.5, inner, 1, k)
                    .uniform(m + "conv1d.bias", 0.1, inner)
                    .linear(m + "x_proj.weight", rank + 2 * n, inner)
                    .linear(m + "dt_proj.weight", inner, rank)
                    .uniform(m + "dt_proj.bias", 1, inner)
                    .around(m + "D", 1, 0.2, inner)
                    .linear(m + "out_proj.weight", d, inner);
            t.with(new ArrayTensor(m + "A_log", new int[] {inner, n}, aLog));
        }
        return t.around("norm_f.weight", 1, 0.2, d).build("random mamba weights");
    }

    /** The attention kernel is ignored: Mamba has no attention. */
    @Override
    protected Backbone openSupported(BackboneConfig config, Weights weights, AttentionKernel attention) {
        return new MambaBackbone(config, MambaWeights.bind(config, weights));
    }
}

package valle.arch.mamba;

import java.util.ArrayList;
import java.util.List;
import valle.api.ModelFormatException;
import valle.api.arch.BackboneConfig;
import valle.api.tensor.TensorView;
import valle.api.tensor.Weights;

/**
 * The tensors of a Mamba stack (HF names, relative to the backbone prefix), checked once. Widths come from
 * the shapes: inner width I from {@code A_log [I, N]}, state size N, conv kernel K from {@code conv1d [I, 1, K]},
 * time-step rank R from {@code dt_proj [I, R]}.
 */
record MambaWeights(List<Block> blocks, float[] finalNorm, int inner, int state, int kernel, int rank) {

    /**
     * One block: the pre-norm weight, then the mixer.
     *
     * @param negA {@code A = -exp(A_log)} {@code [I, N]}, computed once (it is a constant of the checkpoint)
     */
    record Block(float[] norm, TensorView inProj, float[] inBias, float[] convWeight, float[] convBias,
                 TensorView xProj, TensorView dtProj, float[] dtBias, float[] negA, float[] d, TensorView outProj,
                 float[] outBias) {
    }

    static MambaWeights bind(BackboneConfig c, Weights w) {
        int dm = c.hiddenSize();
        TensorView a0 = w.find("layers.0.mixer.A_log").orElseThrow(() -> new ModelFormatException(
                w.source() + ": tensor 'model.layers.0.mixer.A_log' is missing (not a Mamba checkpoint?)"));
        int inner = a0.shape()[0];
        int state = a0.columns();
        int kernel = w.find("layers.0.mixer.conv1d.weight").orElseThrow(() -> new ModelFormatException(
                w.source() + ": tensor 'model.layers.0.mixer.conv1d.weight' is missing")).columns();
        int rank = w.find("layers.0.mixer.dt_proj.weight").orElseThrow(() -> new ModelFormatException(
                w.source() + ": tensor 'model.layers.0.mixer.dt_proj.weight' is missing")).columns();
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < c.layers(); i++) {
            String p = "layers." + i + ".";
            String m = p + "mixer.";
            float[] aLog = w.require(m + "A_log", inner, state).toFloatArray();
            float[] negA = new float[aLog.length];
            for (int j = 0; j < aLog.length; j++) {
                negA[j] = (float) -Math.exp(aLog[j]);
            }
            blocks.add(new Block(
                    w.require(p + "norm.weight", dm).toFloatArray(),
                    w.require(m + "in_proj.weight", 2 * inner, dm),
                    optional(w, m + "in_proj.bias", 2 * inner),
                    w.require(m + "conv1d.weight", inner, 1, kernel).toFloatArray(),
                    optional(w, m + "conv1d.bias", inner),
                    w.require(m + "x_proj.weight", rank + 2 * state, inner),
                    w.require(m + "dt_proj.weight", inner, rank),
                    w.require(m + "dt_proj.bias", inner).toFloatArray(),
                    negA,
                    w.require(m + "D", inner).toFloatArray(),
                    w.require(m + "out_proj.weight", dm, inner),
                    optional(w, m + "out_proj.bias", dm)));
        }
        return new MambaWeights(List.copyOf(blocks), w.require("norm_f.weight", dm).toFloatArray(), inner, state,
                kernel, rank);
    }

    /** A bias the checkpoint may or may not have (HF decides by {@code use_bias} / {@code use_conv_bias}). */
    private static float[] optional(Weights w, String name, int size) {
        return w.find(name).isPresent() ? w.require(name, size).toFloatArray() : null;
    }
}

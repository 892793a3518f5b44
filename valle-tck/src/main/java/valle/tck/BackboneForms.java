package valle.tck;

import java.util.Arrays;
import java.util.List;
import valle.api.arch.Backbone;
import valle.api.arch.BackboneInput;
import valle.api.arch.BackboneProbe;
import valle.api.arch.BackboneState;
import valle.api.arch.MaskMode;
import valle.core.load.NpyArray;

/**
 * The ways the {@code Arch} SPI can run one backbone over the same embeddings {@code [T, D]}: a full pass, a
 * prefill followed by one row at a time through its state, the first rows alone, and a batch of two lengths.
 * Positions are 0..T-1 and the mask causal, as the reference gives backbones without position ids.
 */
final class BackboneForms {
    private final Backbone backbone;
    private final float[] embeddings;
    private final int rows;
    private final int width;

    BackboneForms(Backbone backbone, NpyArray input) {
        this(backbone, floats(input.values()), input.shape()[0], input.shape()[1]);
    }

    private BackboneForms(Backbone backbone, float[] embeddings, int rows, int width) {
        this.backbone = backbone;
        this.embeddings = embeddings;
        this.rows = rows;
        this.width = width;
    }

    /** The forms over sample {@code sample} of a batch array {@code [B, T, D]}. */
    BackboneForms sample(NpyArray batch, int sample) {
        NpyArray one = rows(batch, sample, batch.shape()[1]);
        return new BackboneForms(backbone, one);
    }

    int rows() {
        return rows;
    }

    int[] shape(int n) {
        return new int[] {n, width};
    }

    float[] full() {
        return backbone.forward(input(0, rows));
    }

    /** A full pass reporting to {@code probe}. */
    float[] full(BackboneProbe probe) {
        return backbone.forward(input(0, rows), probe);
    }

    /** The same embeddings through another backbone (the base or merged form of a LoRA model). */
    BackboneForms on(Backbone other) {
        return new BackboneForms(other, embeddings, rows, width);
    }

    /** A prefill of {@code prefill} rows (none for a purely recurrent run), then one row per call. */
    float[] stepped(int prefill) {
        float[] out = new float[rows * width];
        try (BackboneState state = backbone.newState()) {
            int done = 0;
            if (prefill > 0) {
                System.arraycopy(backbone.forward(state, input(0, prefill)), 0, out, 0, prefill * width);
                done = prefill;
            }
            for (int r = done; r < rows; r++) {
                System.arraycopy(backbone.forward(state, input(r, 1)), 0, out, r * width, width);
            }
        }
        return out;
    }

    float[] prefix(int n) {
        return backbone.forward(input(0, n));
    }

    /** This sequence and {@code other}'s first {@code otherRows} rows, as one batch. */
    List<float[]> batch(BackboneForms other, int otherRows) {
        return backbone.forward(List.of(input(0, rows), other.input(0, otherRows)));
    }

    private BackboneInput input(int from, int n) {
        int[] positions = new int[n];
        for (int i = 0; i < n; i++) {
            positions[i] = from + i;
        }
        return new BackboneInput(Arrays.copyOfRange(embeddings, from * width, (from + n) * width), n, positions,
                MaskMode.CAUSAL);
    }

    /** Sample {@code sample}'s first {@code n} rows of a batch array {@code [B, T, D]}. */
    static NpyArray rows(NpyArray batch, int sample, int n) {
        int t = batch.shape()[1];
        int d = batch.shape()[2];
        double[] values = Arrays.copyOfRange(batch.values(), sample * t * d, (sample * t + n) * d);
        return new NpyArray(new int[] {n, d}, values, false);
    }

    private static float[] floats(double[] v) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = (float) v[i];
        }
        return out;
    }
}

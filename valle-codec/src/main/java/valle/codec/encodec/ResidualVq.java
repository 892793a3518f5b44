package valle.codec.encodec;

import valle.api.codec.Codes;
import valle.codec.nn.Signal;
import valle.codec.nn.Distance;
import valle.codec.nn.Taps;
import valle.kit.thread.KernelPool;

/**
 * EnCodec's residual vector quantizer at inference (docs/spec/codec.md §2.4): per frame, level {@code q} picks the
 * codebook row nearest to the residual and subtracts it; decoding sums the chosen rows. Only the {@code embed}
 * tables are used (codebook width = latent width, so the projections are identities). The distance is summed
 * as {@code Σ (r - e)²} rather than upstream's expanded {@code |r|² - 2 r·e + |e|²}: the same minimum without
 * the expansion's cancellation; ties (which the goldens rule out) go to the lowest index.
 */
final class ResidualVq {
    private final int dim;
    private final int bins;
    /**
     * Every level's codebook, {@code [levels, bins, dim]}, in one array: the published model's 32 codebooks of
     * 512 KB took a 1 MB heap region each as separate arrays (G1 gives an array of half a region or more whole
     * regions of its own, and the array header tips 512 KB over).
     */
    private final float[] codebooks;

    ResidualVq(EncodecWeights w, int dim, int bins, int levels) {
        this.dim = dim;
        this.bins = bins;
        this.codebooks = new float[Math.multiplyExact(levels, bins * dim)];
        for (int q = 0; q < levels; q++) {
            System.arraycopy(w.codebook(q, bins, dim), 0, codebooks, q * bins * dim, bins * dim);
        }
    }

    int levels() {
        return codebooks.length / (bins * dim);
    }

    int bins() {
        return bins;
    }

    /**
     * Codes {@code [T, levels]} of a latent {@code [dim, T]}; reports the residual entering each level as
     * {@code rvq_residuals [levels, T, dim]}.
     */
    Codes encode(Signal latent, int levels, KernelPool par, Taps taps) {
        int frames = latent.length();
        float[] rows = latent.transposed();
        int[] codes = new int[frames * levels];
        float[] residuals = new float[levels * frames * dim];
        par.forEach(frames, t -> {
            float[] r = new float[dim];
            System.arraycopy(rows, t * dim, r, 0, dim);
            for (int q = 0; q < levels; q++) {
                System.arraycopy(r, 0, residuals, (q * frames + t) * dim, dim);
                int best = nearest(q, r);
                codes[t * levels + q] = best;
                for (int d = 0, row = (q * bins + best) * dim; d < dim; d++) {
                    r[d] -= codebooks[row + d];
                }
            }
        });
        taps.put("rvq_residuals", new int[] {levels, frames, dim}, residuals);
        return new Codes(frames, levels, codes);
    }

    /** The latent {@code [dim, T]}: for each frame the sum of the chosen rows of every level given, in order. */
    Signal decode(Codes codes) {
        int frames = codes.frames();
        float[] rows = new float[frames * dim];
        for (int t = 0; t < frames; t++) {
            for (int q = 0; q < codes.levels(); q++) {
                int c = codes.get(t, q);
                for (int d = 0; d < dim; d++) {
                    rows[t * dim + d] += codebooks[(q * bins + c) * dim + d];
                }
            }
        }
        return Signal.fromRows(rows, frames, dim);
    }

    /** The row of level {@code q}'s codebook nearest to {@code r}. */
    private int nearest(int q, float[] r) {
        int best = 0;
        float bestDistance = Float.POSITIVE_INFINITY;
        for (int j = 0; j < bins; j++) {
            float d = Distance.squared(codebooks, (q * bins + j) * dim, r, 0, dim);
            if (d < bestDistance) {
                bestDistance = d;
                best = j;
            }
        }
        return best;
    }
}

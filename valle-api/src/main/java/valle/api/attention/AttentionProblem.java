package valle.api.attention;

import java.util.Objects;
import valle.api.Stable;

/**
 * One scaled-dot-product attention over the heads of one sequence, in token-major layout:
 * {@code q [queries, heads, headDim]}, {@code k [keys, kvHeads, headDim]}, {@code v [keys, kvHeads, valueDim]}.
 * Query head {@code h} reads key/value head {@code h / (heads / kvHeads)} (grouped-query attention by index,
 * never by copying). {@code k} and {@code v} may be longer than needed (a KV cache with spare capacity); only
 * the first {@code keys} rows are read.
 *
 * <p>Validated once here; kernels trust the sizes.
 */
@Stable(since = "0.1")
public record AttentionProblem(float[] q, float[] k, float[] v, int queries, int keys, int heads, int kvHeads,
                               int headDim, int valueDim, float scale, AttentionMask mask) {

    public AttentionProblem {
        Objects.requireNonNull(q, "q");
        Objects.requireNonNull(k, "k");
        Objects.requireNonNull(v, "v");
        Objects.requireNonNull(mask, "mask");
        if (queries < 0 || keys < 0 || heads < 1 || kvHeads < 1 || headDim < 1 || valueDim < 1) {
            throw new IllegalArgumentException("bad attention sizes: queries=" + queries + " keys=" + keys
                    + " heads=" + heads + " kvHeads=" + kvHeads + " headDim=" + headDim + " valueDim=" + valueDim);
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("heads (" + heads + ") must be a multiple of kvHeads (" + kvHeads + ")");
        }
        require("q", q, (long) queries * heads * headDim);
        require("k", k, (long) keys * kvHeads * headDim);
        require("v", v, (long) keys * kvHeads * valueDim);
        if (mask instanceof AttentionMask.Bias b) {
            require("bias", b.values(), (long) queries * keys);
        }
    }

    /** The usual problem: {@code scale = 1/sqrt(headDim)}, values as wide as keys. */
    public static AttentionProblem of(float[] q, float[] k, float[] v, int queries, int keys, int heads,
                                      int kvHeads, int headDim, AttentionMask mask) {
        return new AttentionProblem(q, k, v, queries, keys, heads, kvHeads, headDim, headDim,
                (float) (1.0 / Math.sqrt(headDim)), mask);
    }

    /** Elements of the output {@code [queries, heads, valueDim]}. */
    public int outputSize() {
        return Math.multiplyExact(Math.multiplyExact(queries, heads), valueDim);
    }

    private static void require(String what, float[] a, long needed) {
        if (a.length < needed) {
            throw new IllegalArgumentException(what + " has " + a.length + " elements, needs at least " + needed);
        }
    }
}

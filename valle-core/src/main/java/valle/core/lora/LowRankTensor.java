package valle.core.lora;

import valle.api.tensor.DType;
import valle.api.tensor.TensorView;

/**
 * A linear weight {@code W [out, in]} with a LoRA adapter {@code A [rank, in]}, {@code B [out, rank]}, applied
 * on the fly: {@link #linear} computes {@code x Wᵀ + scaling · (x Aᵀ) Bᵀ} without ever forming the merged
 * matrix, and the base stays in its file dtype. An arch that widens its weights once at load reads the
 * adapted weight {@code W + scaling · B A} row by row through {@link #read}, so it runs the adapter too.
 */
final class LowRankTensor implements TensorView {
    private final TensorView base;
    private final float[] a;
    private final float[] b;
    private final int rank;
    private final float scaling;

    LowRankTensor(TensorView base, TensorView a, TensorView b, float scaling) {
        this.base = base;
        this.a = a.toFloatArray();
        this.b = b.toFloatArray();
        this.rank = a.rows();
        this.scaling = scaling;
    }

    @Override
    public String name() {
        return base.name();
    }

    @Override
    public DType dtype() {
        return base.dtype();
    }

    @Override
    public int[] shape() {
        return base.shape();
    }

    /** {@code y = x Wᵀ + scaling · (x Aᵀ) Bᵀ}: the base product, then the rank-r detour added. */
    @Override
    public void linear(float[] x, int rows, float[] y) {
        base.linear(x, rows, y);
        int in = columns();
        int out = rows();
        float[] down = new float[rank];
        for (int r = 0; r < rows; r++) {
            for (int k = 0; k < rank; k++) {
                float s = 0f;
                for (int c = 0; c < in; c++) {
                    s += x[r * in + c] * a[k * in + c];
                }
                down[k] = s;
            }
            for (int o = 0; o < out; o++) {
                float s = 0f;
                for (int k = 0; k < rank; k++) {
                    s += down[k] * b[o * rank + k];
                }
                y[r * out + o] += scaling * s;
            }
        }
    }

    /** The adapted weight {@code W + scaling · B A}, element by element over the requested range. */
    @Override
    public void read(long start, float[] dst, int dstOffset, int count) {
        base.read(start, dst, dstOffset, count);
        int in = columns();
        for (int i = 0; i < count; i++) {
            long flat = start + i;
            int o = (int) (flat / in);
            int c = (int) (flat % in);
            float s = 0f;
            for (int k = 0; k < rank; k++) {
                s += b[o * rank + k] * a[k * in + c];
            }
            dst[dstOffset + i] += scaling * s;
        }
    }
}

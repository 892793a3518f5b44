package valle.api.tensor;

import java.util.Objects;

/**
 * A float32 tensor of random values computed when read, never stored: element {@code i} is the
 * {@code (first + i)}-th draw of {@code new SplittableRandom(seed).nextDouble()}, mapped to
 * {@code centre + (2u - 1)·scale}. A random model of the published size (0.9 GB of float32) thus costs no
 * memory until a backbone packs it, and a benchmark can write it to a file a row at a time. The draws are
 * SplittableRandom's own (its state after {@code k} draws is {@code seed + k·γ}, each output the mix of
 * that state), so the values are those a sequential {@code SplittableRandom} gives, read in any order.
 */
final class RandomTensor implements TensorView {
    /** SplittableRandom's increment for a generator made from a seed alone. */
    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
    private static final double DOUBLE_UNIT = 0x1.0p-53;

    private final String name;
    private final int[] dims;
    private final long size;
    private final long seed;
    private final long first;
    private final double centre;
    private final double scale;

    RandomTensor(String name, int[] dims, long seed, long first, double centre, double scale) {
        this.name = Objects.requireNonNull(name, "name");
        this.dims = dims.clone();
        this.size = Shapes.elements(name, this.dims);
        this.seed = seed;
        this.first = first;
        this.centre = centre;
        this.scale = scale;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DType dtype() {
        return DType.F32;
    }

    @Override
    public int[] shape() {
        return dims.clone();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(long start, float[] dst, int dstOffset, int count) {
        Objects.checkFromIndexSize(start, count, size);
        Objects.checkFromIndexSize(dstOffset, count, dst.length);
        // the generator's state before the draw of element start
        long state = seed + (first + start) * GOLDEN_GAMMA;
        for (int i = 0; i < count; i++) {
            state += GOLDEN_GAMMA;
            double u = (mix64(state) >>> 11) * DOUBLE_UNIT;
            dst[dstOffset + i] = (float) (centre + (u * 2 - 1) * scale);
        }
    }

    /** SplittableRandom's output function (Stafford's variant 13 of the MurmurHash3 finaliser). */
    private static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return "RandomTensor[" + name + ", " + java.util.Arrays.toString(dims) + "]";
    }
}

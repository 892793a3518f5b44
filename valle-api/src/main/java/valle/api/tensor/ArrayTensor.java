package valle.api.tensor;

import java.util.Objects;
import valle.api.Stable;

/**
 * A float32 tensor held in a Java array, row-major: weights built in memory (tests, converted or generated
 * models). The array is used as given, not copied.
 */
@Stable(since = "0.1")
public record ArrayTensor(String name, int[] dims, float[] data) implements TensorView {

    public ArrayTensor {
        Objects.requireNonNull(name, "name");
        dims = dims.clone();
        long n = Shapes.elements(name, dims);
        if (n != data.length) {
            throw new IllegalArgumentException(name + ": shape " + java.util.Arrays.toString(dims) + " needs " + n
                    + " values, got " + data.length);
        }
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
    public void read(long start, float[] dst, int dstOffset, int count) {
        Objects.checkFromIndexSize(start, count, data.length);
        System.arraycopy(data, (int) start, dst, dstOffset, count);
    }
}

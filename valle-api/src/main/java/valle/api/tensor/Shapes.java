package valle.api.tensor;

import java.util.Arrays;

/** The element count of a tensor's shape, checked once for every in-memory tensor of this package. */
final class Shapes {
    private Shapes() {
    }

    /**
     * The product of {@code dims}.
     *
     * @throws IllegalArgumentException naming {@code name} when a dimension is negative
     */
    static long elements(String name, int[] dims) {
        long n = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException(name + ": negative dimension in " + Arrays.toString(dims));
            }
            n *= d;
        }
        return n;
    }
}

package valle.codec.nn;

/**
 * Where a model reports its intermediate outputs by the golden files' names ({@code enc_down1},
 * {@code vocos_bb_norm}, ...), so tests can compare every stage with the reference. {@link #NONE} ignores them.
 */
@FunctionalInterface
public interface Taps {
    Taps NONE = (name, shape, values) -> { };

    /**
     * Reports {@code values} of the given shape (row-major, as the golden array is laid out). The array is the
     * model's working buffer, valid only during the call: a tap that keeps the values copies them.
     */
    void put(String name, int[] shape, float[] values);

    default void put(String name, Signal s) {
        put(name, new int[] {s.channels(), s.length()}, s.data());
    }
}

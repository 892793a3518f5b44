package valle.attention;

/**
 * A float array per calling thread, kept from call to call and grown as needed, for the copies the tiled kernel
 * makes of a problem once per call (transposed keys, packed values): a new array per call (some 3 MB at the
 * published size, 24 of each a NAR-len step) was garbage the collector let pile up in the heap. The caller's
 * pool threads read it while the caller waits, so one thread's buffer serves the whole call.
 */
final class ThreadBuffer {
    private final ThreadLocal<float[]> buffer = ThreadLocal.withInitial(() -> new float[0]);

    /** The calling thread's array, of at least {@code floats}; its contents are whatever the last call left. */
    float[] atLeast(int floats) {
        float[] data = buffer.get();
        if (data.length < floats) {
            data = new float[floats];
            buffer.set(data);
        }
        return data;
    }
}

package valle.server;

/**
 * Turns one response's samples into the bytes of its format, sentence by sentence as they are made: whatever a
 * codec can already send goes out with each call, and {@link #finish()} sends what was held back (a partial block,
 * the codec's delay) and ends the stream. One encoder per response; not thread-safe.
 */
interface AudioEncoder {
    /** The bytes for the next mono samples in [-1, 1] (empty while a codec waits for a whole frame). */
    byte[] encode(float[] samples);

    /** The bytes that end the stream; call once, after the last {@link #encode}. */
    byte[] finish();
}

package valle.api.arch;

import valle.api.Stable;

/**
 * Incremental-decoding state a backbone creates and owns (a KV cache for transformers, a recurrent state for
 * RetNet, conv and SSM state for Mamba). The inference loop only passes it back. One state serves one
 * sequence of one request; it is not thread-safe.
 */
@Stable(since = "0.1")
public interface BackboneState extends AutoCloseable {

    /** Rows consumed so far. */
    int length();

    /** An independent copy that continues from here (e.g. for a CFG null pass sharing a prefix). */
    BackboneState fork();

    /** Forgets every row; the state can be reused for a new sequence. */
    void reset();

    /** Releases the state's buffers; idempotent. */
    @Override
    void close();
}

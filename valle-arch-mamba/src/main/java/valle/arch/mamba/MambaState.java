package valle.arch.mamba;

import valle.api.arch.BackboneState;

/**
 * Decode state of every block: the last K pre-conv inputs {@code [K, I]} (oldest first, zeros before the
 * sequence starts) and the selective-scan state {@code [I, N]}. Its size does not grow with the sequence.
 */
final class MambaState implements BackboneState {
    final MambaBackbone owner;
    final float[][] conv;
    final float[][] ssm;
    private int length;
    private boolean closed;

    MambaState(MambaBackbone owner, int blocks, int convSize, int ssmSize) {
        this.owner = owner;
        this.conv = new float[blocks][convSize];
        this.ssm = new float[blocks][ssmSize];
    }

    private MambaState(MambaState from) {
        this.owner = from.owner;
        this.conv = new float[from.conv.length][];
        this.ssm = new float[from.ssm.length][];
        for (int b = 0; b < conv.length; b++) {
            conv[b] = from.conv[b].clone();
            ssm[b] = from.ssm[b].clone();
        }
        this.length = from.length;
    }

    @Override
    public int length() {
        return length;
    }

    void advance(int rows) {
        length += rows;
    }

    @Override
    public MambaState fork() {
        ensureOpen();
        return new MambaState(this);
    }

    @Override
    public void reset() {
        ensureOpen();
        for (int b = 0; b < conv.length; b++) {
            java.util.Arrays.fill(conv[b], 0f);
            java.util.Arrays.fill(ssm[b], 0f);
        }
        length = 0;
    }

    @Override
    public void close() {
        closed = true;
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this mamba state is closed");
        }
    }
}

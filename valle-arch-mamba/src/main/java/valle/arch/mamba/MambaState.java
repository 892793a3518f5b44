package valle.arch.mamba;

import java.util.Arrays;
import valle.kit.nn.OwnedState;

/**
 * Decode state of every block: the last K pre-conv inputs {@code [K, I]} (oldest first, zeros before the
 * sequence starts) and the selective-scan state {@code [I, N]}. Its size does not grow with the sequence.
 */
final class MambaState extends OwnedState<MambaState> {
    final float[][] conv;
    final float[][] ssm;

    MambaState(MambaBackbone owner, int blocks, int convSize, int ssmSize) {
        super(owner, "mamba state");
        this.conv = new float[blocks][convSize];
        this.ssm = new float[blocks][ssmSize];
    }

    private MambaState(MambaState from) {
        super(from);
        this.conv = new float[from.conv.length][];
        this.ssm = new float[from.ssm.length][];
        for (int b = 0; b < conv.length; b++) {
            conv[b] = from.conv[b].clone();
            ssm[b] = from.ssm[b].clone();
        }
    }

    @Override
    protected MambaState copy() {
        return new MambaState(this);
    }

    @Override
    protected void clear() {
        for (int b = 0; b < conv.length; b++) {
            Arrays.fill(conv[b], 0f);
            Arrays.fill(ssm[b], 0f);
        }
    }

    /** The arrays are small and fixed in size: the garbage collector takes them with the state. */
    @Override
    protected void release() {
    }
}

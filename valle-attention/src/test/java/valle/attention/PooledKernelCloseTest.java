package valle.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import valle.api.attention.AttentionKernel;
import valle.api.attention.AttentionMask;
import valle.api.attention.AttentionProblem;

/** The kernels that own threads let them go on close, and still answer, the same, on the caller's thread. */
class PooledKernelCloseTest {

    @ParameterizedTest
    @ValueSource(strings = {"flash", "mem-efficient"})
    void aClosedKernelGivesTheSameOutputOnItsCallersThread(String name) throws Exception {
        IntFunction<AttentionKernel> make = threads -> name.equals("flash")
                ? new FlashKernel(16, 16, threads) : new MemoryEfficientKernel(16, 16, 0, threads);
        SplittableRandom rnd = new SplittableRandom(3);
        int t = 40;
        int heads = 4;
        int d = 16;
        AttentionProblem p = AttentionProblem.of(random(rnd, t * heads * d), random(rnd, t * heads * d),
                random(rnd, t * heads * d), t, t, heads, heads, d, AttentionMask.causal(0));
        AttentionKernel kernel = make.apply(2);
        float[] open = new float[p.outputSize()];
        kernel.attend(p, open, new float[t * heads]);
        ((AutoCloseable) kernel).close();
        float[] closed = new float[p.outputSize()];
        kernel.attend(p, closed, new float[t * heads]);
        assertArrayEquals(open, closed);
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }
}

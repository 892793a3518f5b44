package valle.bench;

import java.lang.reflect.Method;
import valle.api.attention.AttentionKernel;

/** The kernel with a given thread count, through its public {@code withThreads(int)} when it has one. */
final class Threads {
    private Threads() {
    }

    static AttentionKernel limit(AttentionKernel kernel, int threads) {
        try {
            Method with = kernel.getClass().getMethod("withThreads", int.class);
            return (AttentionKernel) with.invoke(kernel, threads);
        } catch (NoSuchMethodException singleThreaded) {
            return kernel;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot set the threads of " + kernel.name(), e);
        }
    }
}

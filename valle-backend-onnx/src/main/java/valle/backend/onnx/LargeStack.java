package valle.backend.onnx;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * Runs a native call on a platform thread of its own with a large stack. Loading ONNX Runtime's native library
 * runs its static initialisers on the loading thread's native stack, and they recurse deeply: on the JVM's main
 * thread (1 MB by default) a command line about 4 KB longer than usual was enough to overflow it, and the JVM died
 * with SIGSEGV and no error report (`valle speak` with 5 KB of text, or a long VALLE_PLUGINS; the last Java frames
 * were OrtEnvironment's class initialisation). A caller on a small-stack or virtual thread has even less room. The
 * stack is reserved, not committed: pages are touched only as deep as the call goes.
 */
final class LargeStack {
    /** Far beyond what the library's loading was seen to need (8 MB of main-thread stack sufficed). */
    static final long STACK_BYTES = 256L << 20;

    private LargeStack() {
    }

    /** {@code call}'s result, computed on a fresh thread with {@link #STACK_BYTES} of stack; waits uninterruptibly. */
    static <T> T call(String name, Supplier<T> call) {
        FutureTask<T> task = new FutureTask<>(call::get);
        Thread thread = Thread.ofPlatform().name(name).daemon(true).stackSize(STACK_BYTES).start(task);
        boolean interrupted = false;
        while (true) {
            try {
                // an interrupt must not leave the library half loaded behind the caller's back: wait it out
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        try {
            return task.get();
        } catch (InterruptedException e) {
            throw new IllegalStateException("unreachable: the task has finished", e);
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case RuntimeException runtime -> throw runtime;
                case Error error -> throw error;
                default -> throw new IllegalStateException(e.getCause());
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

package valle.backend.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import valle.api.plugin.Availability;

/**
 * DJL's PyTorch engine in this JVM: whether libtorch loads (once; DJL extracts it from the native jar into
 * {@code DJL_CACHE_DIR}, default {@code ~/.djl.ai}, the first time on a machine), and the device to run on.
 */
final class PyTorchEngine {
    static final String NAME = "PyTorch";

    private PyTorchEngine() {
    }

    /** Loaded on first use, so that listing plugins costs nothing until someone asks. */
    private static final class Loaded {
        static final Availability AVAILABILITY = load();

        private static Availability load() {
            // valle never downloads at run time: without the native jar DJL would fetch libtorch from its server
            if (System.getProperty("ai.djl.offline") == null) {
                System.setProperty("ai.djl.offline", "true");
            }
            try {
                Engine.getEngine(NAME);
                return Availability.yes();
            } catch (RuntimeException | LinkageError e) {
                return Availability.no("DJL's PyTorch engine does not start here: " + e.getMessage(),
                        "put ai.djl.pytorch:pytorch-native-cpu:2.7.1 for this platform on the class path, or --backend java");
            }
        }
    }

    static Availability availability() {
        return Loaded.AVAILABILITY;
    }

    /** The first GPU when DJL sees one, else the CPU. */
    static Device device() {
        Engine engine = Engine.getEngine(NAME);
        return engine.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }

    /**
     * Sets libtorch's intra-op threads (one pool for the whole process) to {@code threads}; the JVM's processor
     * count is the same for every backend, so they are compared on equal terms.
     */
    static void useThreads(int threads) {
        Engine.getEngine(NAME); // loads libtorch, which the thread calls need
        if (JniUtils.getNumThreads() != threads) {
            JniUtils.setNumThreads(threads);
        }
    }
}

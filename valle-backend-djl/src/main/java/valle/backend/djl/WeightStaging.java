package valle.backend.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import valle.api.tensor.TensorView;

/**
 * Copies checkpoint tensors into libtorch without a Java copy of each. Handed a float array, DJL copies it into a
 * direct buffer that libtorch then uses as the tensor's storage, so the array is garbage as soon as it is made: a
 * whole checkpoint's worth of heap (0.92 GB at the published size) waiting for a collection while the load goes
 * on. Here each tensor is widened chunk by chunk straight into its direct buffer (libtorch keeps it: it is not
 * reused), and the checkpoint's mapped pages of the tensor are released.
 */
final class WeightStaging {
    /** Values widened per read: bounds the heap buffer whatever the tensor's size. */
    private static final int CHUNK = 1 << 16;

    private final NDManager manager;
    private final float[] chunk = new float[CHUNK];

    WeightStaging(NDManager manager) {
        this.manager = manager;
    }

    /** The tensor as a float32 array of {@code shape} held by the manager. */
    NDArray create(TensorView tensor, Shape shape) {
        ByteBuffer storage = ByteBuffer.allocateDirect(Math.toIntExact(tensor.size() * Float.BYTES))
                .order(ByteOrder.nativeOrder());
        FloatBuffer floats = storage.asFloatBuffer();
        for (long at = 0; at < tensor.size(); at += CHUNK) {
            int n = (int) Math.min(CHUNK, tensor.size() - at);
            tensor.read(at, chunk, 0, n);
            floats.put(chunk, 0, n);
        }
        NDArray array = manager.create(storage, shape, DataType.FLOAT32);
        tensor.releaseResidentPages();
        return array;
    }
}

package valle.arch.llama;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import valle.api.tensor.DType;
import valle.api.tensor.TensorView;
import valle.api.tensor.Weights;

/** In-memory float32 weights for tests. */
final class ArrayWeights implements Weights {
    private final Map<String, TensorView> tensors = new TreeMap<>();

    ArrayWeights put(String name, float[] data, int... shape) {
        tensors.put(name, new TensorView() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public DType dtype() {
                return DType.F32;
            }

            @Override
            public int[] shape() {
                return shape.clone();
            }

            @Override
            public void read(long start, float[] dst, int dstOffset, int count) {
                System.arraycopy(data, Math.toIntExact(start), dst, dstOffset, count);
            }
        });
        return this;
    }

    @Override
    public Set<String> names() {
        return new TreeSet<>(tensors.keySet());
    }

    @Override
    public Optional<TensorView> find(String name) {
        return Optional.ofNullable(tensors.get(name));
    }

    @Override
    public String source() {
        return "test weights";
    }
}

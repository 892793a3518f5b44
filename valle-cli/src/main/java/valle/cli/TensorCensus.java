package valle.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import valle.api.ModelFormatException;
import valle.api.tensor.TensorView;
import valle.core.load.SafetensorsFile;

/**
 * Every tensor of a safetensors file read once: how many there are of each dtype, the parameter count, and
 * whether any value is NaN or infinite (a checkpoint that holds one speaks noise, whatever its shapes say).
 */
final class TensorCensus {
    /** Values widened per read: bounds the buffer whatever the tensor's size. */
    private static final int CHUNK = 1 << 16;

    private TensorCensus() {
    }

    /**
     * The summary line of {@code file}'s tensors.
     *
     * @throws ModelFormatException naming the first tensor holding a non-finite value
     */
    static String of(SafetensorsFile file) {
        Map<String, Integer> dtypes = new TreeMap<>();
        long parameters = 0;
        float[] buffer = new float[CHUNK];
        for (String name : file.names()) {
            TensorView t = file.find(name).orElseThrow();
            dtypes.merge(t.dtype().name(), 1, Integer::sum);
            parameters += t.size();
            for (long at = 0; at < t.size(); at += CHUNK) {
                int n = (int) Math.min(CHUNK, t.size() - at);
                t.read(at, buffer, 0, n);
                for (int i = 0; i < n; i++) {
                    if (!Float.isFinite(buffer[i])) {
                        throw new ModelFormatException(file.source() + ": tensor '" + name + "' holds " + buffer[i]
                                + " at element " + (at + i) + " (damaged weights)");
                    }
                }
            }
        }
        List<String> counts = new ArrayList<>();
        dtypes.forEach((dtype, count) -> counts.add(count + " " + dtype));
        return String.format(Locale.ROOT, "%d tensors (%s), %,d parameters, all finite", file.names().size(),
                String.join(", ", counts), parameters);
    }
}

package valle.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import valle.api.ModelFormatException;
import valle.api.tensor.TensorView;
import valle.api.tensor.WeightFormat;
import valle.core.load.SafetensorsFile;

/**
 * The bytes a checkpoint's tensors take in a weight format: every value at the format's bits (block scales and
 * zero points of the quantised formats not counted, a few percent), or at its file dtype's size where no format
 * is asked for. The yardstick {@code valle bench} divides the peak resident set by.
 */
final class WeightsBytes {
    private WeightsBytes() {
    }

    /** @param format the load-time format, or {@code null} for each tensor's file dtype; -1 for a file that is not safetensors */
    static long of(Path checkpoint, WeightFormat format) {
        if (Files.isDirectory(checkpoint)) {
            return -1;
        }
        try (SafetensorsFile file = SafetensorsFile.open(checkpoint)) {
            long bits = 0;
            for (String name : file.names()) {
                TensorView t = file.find(name).orElseThrow();
                bits += t.size() * (format == null ? 8L * t.dtype().byteSize() : format.bits());
            }
            return bits / 8;
        } catch (ModelFormatException e) {
            // another checkpoint format: the bench still runs, without this yardstick
            return -1;
        }
    }
}

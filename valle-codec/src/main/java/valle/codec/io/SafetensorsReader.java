package valle.codec.io;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import valle.api.tensor.ArrayTensor;
import valle.api.tensor.TensorView;
import valle.kit.io.SafetensorsHeader;

/**
 * A safetensors file read whole into float32 tensors. Codec weights are small enough (tens of MB) to widen
 * once; F32, F16, BF16 and F64 are accepted. The header is checked completely ({@link SafetensorsHeader}:
 * sizes, ranges inside the data, no overlaps) before any tensor is built.
 */
public final class SafetensorsReader {
    /** The dtypes codec weights are read from. */
    private static final List<String> READABLE = List.of("F32", "F16", "BF16", "F64");

    private SafetensorsReader() {
    }

    /** Whether {@code raw} starts like a safetensors file (a plausible header length, then a JSON object). */
    public static boolean looksLike(byte[] raw) {
        if (raw.length < 10) {
            return false;
        }
        long n = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        return n > 1 && n <= raw.length - 8 && raw[8] == '{';
    }

    /** The tensors of the safetensors file {@code raw}, in file order; {@code source} names it in errors. */
    public static List<TensorView> read(byte[] raw, String source) {
        SafetensorsHeader header = SafetensorsHeader.read(MemorySegment.ofArray(raw), source, READABLE);
        ByteBuffer le = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int dataStart = (int) header.dataStart();
        List<TensorView> out = new ArrayList<>(header.tensors().size());
        header.tensors().forEach((name, t) -> {
            // inside a byte array, so fewer than 2^31 bytes: the count fits an int
            int n = (int) t.elements();
            float[] v = new float[n];
            int at = dataStart + (int) t.begin();
            for (int i = 0; i < n; i++) {
                v[i] = switch (t.dtype()) {
                    case "F32" -> le.getFloat(at + 4 * i);
                    case "F64" -> (float) le.getDouble(at + 8 * i);
                    case "F16" -> Float.float16ToFloat(le.getShort(at + 2 * i));
                    default -> Float.intBitsToFloat((le.getShort(at + 2 * i) & 0xffff) << 16);
                };
            }
            out.add(new ArrayTensor(name, t.shape(), v));
        });
        return out;
    }
}

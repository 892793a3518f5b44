package valle.codec.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import valle.api.ModelFormatException;
import valle.api.tensor.ArrayTensor;
import valle.api.tensor.TensorView;

/**
 * A safetensors file read whole into float32 tensors: an 8-byte little-endian header length, a JSON header
 * naming each tensor's dtype, shape and byte range, then the data. Codec weights are small enough (tens of MB)
 * to widen once; F32, F16, BF16 and F64 are accepted. The header is checked completely (sizes, ranges inside
 * the data, no overlaps) before any tensor is built.
 */
public final class SafetensorsReader {
    private static final String METADATA = "__metadata__";
    /** safetensors' own cap: real headers are a few hundred KiB. */
    static final long MAX_HEADER_BYTES = 100L << 20;

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

    public static List<TensorView> read(byte[] raw, String source) {
        if (raw.length < 8) {
            throw new ModelFormatException(source + ": " + raw.length + " bytes is too short for a safetensors file");
        }
        ByteBuffer le = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = le.getLong(0);
        if (headerLength > MAX_HEADER_BYTES && headerLength <= raw.length - 8) {
            throw new ModelFormatException(source + ": header of " + headerLength + " bytes is over the "
                    + MAX_HEADER_BYTES + "-byte limit (not a safetensors file?)");
        }
        if (headerLength < 2 || headerLength > raw.length - 8) {
            throw new ModelFormatException(source + ": header of " + Long.toUnsignedString(headerLength)
                    + " bytes does not fit in a file of " + raw.length + " bytes (truncated, or not a safetensors file?)");
        }
        String header;
        try {
            header = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw, 8, (int) headerLength)).toString();
        } catch (CharacterCodingException e) {
            throw new ModelFormatException(source + ": the header is not UTF-8 (not a safetensors file?)", e);
        }
        Map<String, Object> json = Json.parseObject(header, source + " header");
        int dataStart = 8 + (int) headerLength;
        long dataSize = raw.length - dataStart;
        record Entry(String name, String dtype, int[] shape, long begin, long end) {
        }
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Object> e : json.entrySet()) {
            if (e.getKey().equals(METADATA)) {
                continue;
            }
            String where = source + ": tensor '" + e.getKey() + "'";
            if (!(e.getValue() instanceof Map<?, ?> m)) {
                throw new ModelFormatException(where + " is not an object");
            }
            @SuppressWarnings("unchecked")
            ConfigMap c = new ConfigMap((Map<String, Object>) m, where, "");
            String dtype = c.string("dtype");
            int width = switch (dtype) {
                case "F32" -> 4;
                case "F16", "BF16" -> 2;
                case "F64" -> 8;
                default -> throw new ModelFormatException(where + " has dtype " + dtype
                        + "; codec weights are read from F32, F16, BF16 or F64");
            };
            int[] shape = c.integers("shape");
            long count = 1;
            for (int d : shape) {
                if (d < 0) {
                    throw new ModelFormatException(where + " has the invalid shape " + Arrays.toString(shape));
                }
                if (d > 0 && count > Integer.MAX_VALUE / d) {
                    throw new ModelFormatException(where + " is too large for one array: " + Arrays.toString(shape));
                }
                count *= d;
            }
            long[] range = new long[2];
            List<?> offsets = m.get("data_offsets") instanceof List<?> l ? l : List.of();
            if (offsets.size() != 2 || !(offsets.get(0) instanceof Long b) || !(offsets.get(1) instanceof Long f) || b < 0 || f < b) {
                throw new ModelFormatException(where + " has invalid data_offsets " + m.get("data_offsets"));
            }
            range[0] = b;
            range[1] = f;
            if (range[1] - range[0] != count * width) {
                throw new ModelFormatException(where + " has shape " + Arrays.toString(shape) + " of " + dtype + " = "
                        + count * width + " bytes but its data_offsets span " + (range[1] - range[0]));
            }
            if (range[1] > dataSize) {
                throw new ModelFormatException(where + " ends at byte " + range[1] + " of the data but the file has "
                        + dataSize + " (truncated?)");
            }
            entries.add(new Entry(e.getKey(), dtype, shape, range[0], range[1]));
        }
        // as safetensors' own validation: sorted by offset, the ranges must tile the data exactly
        List<Entry> byStart = new ArrayList<>(entries);
        byStart.removeIf(x -> x.begin() == x.end()); // empty tensors own no bytes
        byStart.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long reach = 0;
        String reacher = null;
        for (Entry x : byStart) {
            if (x.begin() < reach) {
                throw new ModelFormatException(source + ": tensors '" + reacher + "' and '" + x.name() + "' overlap");
            }
            if (x.begin() > reach) {
                throw new ModelFormatException(source + ": bytes " + reach + " to " + x.begin() + " of the data belong"
                        + " to no tensor (the header's data_offsets must cover the data without gaps)");
            }
            reach = x.end();
            reacher = x.name();
        }
        if (reach != dataSize) {
            throw new ModelFormatException(source + ": " + (dataSize - reach) + " bytes after the last tensor belong"
                    + " to no tensor (a damaged or foreign file?)");
        }
        List<TensorView> out = new ArrayList<>(entries.size());
        for (Entry x : entries) {
            int n = (int) ((x.end() - x.begin()) / (x.dtype().equals("F64") ? 8 : x.dtype().equals("F32") ? 4 : 2));
            float[] v = new float[n];
            int at = dataStart + (int) x.begin();
            for (int i = 0; i < n; i++) {
                v[i] = switch (x.dtype()) {
                    case "F32" -> le.getFloat(at + 4 * i);
                    case "F64" -> (float) le.getDouble(at + 8 * i);
                    case "F16" -> Float.float16ToFloat(le.getShort(at + 2 * i));
                    default -> Float.intBitsToFloat((le.getShort(at + 2 * i) & 0xffff) << 16);
                };
            }
            out.add(new ArrayTensor(x.name(), x.shape(), v));
        }
        return out;
    }
}

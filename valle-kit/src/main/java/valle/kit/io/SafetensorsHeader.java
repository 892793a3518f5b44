package valle.kit.io;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import valle.api.ModelFormatException;
import valle.api.Stable;

/**
 * The header of a safetensors file, validated completely before any tensor is read: an 8-byte little-endian
 * header length, a JSON header naming every tensor's dtype, shape and byte range, then the data. Checked, with
 * errors that name the file and the problem: the length (within the file and at most {@value #MAX_HEADER_BYTES}
 * bytes), UTF-8 and JSON ({@link Json}'s rules), {@code __metadata__} (an object of strings), each tensor's
 * fields (no unknown ones), dtype (one the caller reads), shape (dimensions of 0 to {@code Integer.MAX_VALUE}
 * whose byte count does not overflow) and {@code data_offsets} (spanning exactly the shape's bytes, inside the
 * data), and, as safetensors' own validation does, that the ranges tile the data exactly: no byte is shared by
 * two tensors or belongs to none. How the tensors are then read (mapped, or copied into arrays) is the caller's.
 *
 * @param dataStart where the data begins in the file: 8 plus the header length
 * @param metadata the {@code __metadata__} string entries, in file order (unmodifiable)
 * @param tensors every tensor's entry by name, in file order (unmodifiable)
 */
@Stable(since = "0.1")
public record SafetensorsHeader(long dataStart, Map<String, String> metadata, Map<String, Tensor> tensors) {
    /** Headers beyond this are refused: real ones are a few hundred KiB, and the header is read into memory. */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    private static final String METADATA = "__metadata__";
    private static final Set<String> FIELDS = Set.of("dtype", "shape", "data_offsets");

    /** Both maps are copied, unmodifiable. */
    public SafetensorsHeader {
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
        tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
    }

    /**
     * One tensor's entry.
     *
     * @param dtype the safetensors dtype name ({@code "F32"}, {@code "BF16"}, ...), one the caller reads
     * @param shape the dimensions (a copy is handed out)
     * @param begin the first byte of the tensor, counted from {@link #dataStart()}
     * @param end one past its last byte
     */
    @Stable(since = "0.1")
    public record Tensor(String dtype, int[] shape, long begin, long end) {
        /**
         * Copies {@code shape}.
         *
         * @throws IllegalArgumentException if {@code dtype} is not a safetensors dtype
         */
        public Tensor {
            if (byteSize(Objects.requireNonNull(dtype, "dtype")) == 0) {
                throw new IllegalArgumentException("'" + dtype + "' is not a safetensors dtype");
            }
            shape = shape.clone();
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        /** The number of elements: the product of the shape (1 for a scalar). */
        public long elements() {
            return (end - begin) / byteSize(dtype);
        }
    }

    /**
     * Reads and validates the header of the safetensors file {@code file} holds (mapped or in memory).
     *
     * @param source the file's name for error messages
     * @param readable the dtype names the caller reads, as the refusal of any other lists them
     * @throws ModelFormatException naming {@code source} and the problem
     * @throws IllegalArgumentException if {@code readable} names a dtype safetensors does not have
     */
    public static SafetensorsHeader read(MemorySegment file, String source, List<String> readable) {
        for (String d : readable) {
            if (byteSize(d) == 0) {
                throw new IllegalArgumentException("'" + d + "' is not a safetensors dtype");
            }
        }
        long size = file.byteSize();
        if (size < 8) {
            throw new ModelFormatException(source + ": " + size + " bytes is too short for a safetensors file "
                    + "(it starts with an 8-byte header length)");
        }
        long headerLength = file.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (headerLength < 0 || headerLength > size - 8) {
            throw new ModelFormatException(source + ": header of " + Long.toUnsignedString(headerLength)
                    + " bytes does not fit in a file of " + size + " bytes (truncated, or not a safetensors file?)");
        }
        if (headerLength > MAX_HEADER_BYTES) {
            throw new ModelFormatException(source + ": header of " + headerLength + " bytes does not fit the "
                    + MAX_HEADER_BYTES + "-byte limit (not a safetensors file?)");
        }
        String header = utf8(file.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE), source);
        Map<String, Object> json = Json.parseObject(header, source + " header");
        Map<String, String> metadata = json.containsKey(METADATA) ? metadata(json.get(METADATA), source) : Map.of();
        long dataStart = 8 + headerLength;
        return new SafetensorsHeader(dataStart, metadata, tensors(json, size - dataStart, readable, source));
    }

    /** Bytes per element of the safetensors dtype {@code name}, or 0 when safetensors has no such dtype. */
    public static int byteSize(String name) {
        return switch (name) {
            case "F64", "I64", "U64" -> 8;
            case "F32", "I32", "U32" -> 4;
            case "F16", "BF16", "I16", "U16" -> 2;
            case "I8", "U8", "BOOL", "F8_E4M3", "F8_E5M2" -> 1;
            default -> 0;
        };
    }

    private static Map<String, String> metadata(Object v, String source) {
        if (!(v instanceof Map<?, ?> m)) {
            throw new ModelFormatException(source + ": __metadata__ must be an object of strings, found " + Json.typeName(v));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new ModelFormatException(source + ": __metadata__ entry '" + e.getKey() + "' must be a string, found "
                        + Json.typeName(e.getValue()));
            }
            out.put((String) e.getKey(), s);
        }
        return out;
    }

    private static Map<String, Tensor> tensors(Map<String, Object> json, long dataSize, List<String> readable,
                                               String source) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : json.entrySet()) {
            String name = e.getKey();
            if (name.equals(METADATA)) {
                continue;
            }
            out.put(name, tensor(name, e.getValue(), dataSize, readable, source));
        }
        // as safetensors' own validation: sorted by offset, the ranges must tile the data exactly, so no byte is
        // shared by two tensors (a write through one would change the other) or hidden between them
        // (empty tensors own no bytes: they may sit anywhere in the data)
        List<Map.Entry<String, Tensor>> byStart = new ArrayList<>(out.entrySet());
        byStart.removeIf(x -> x.getValue().begin() == x.getValue().end());
        byStart.sort(Comparator.<Map.Entry<String, Tensor>>comparingLong(x -> x.getValue().begin())
                .thenComparingLong(x -> x.getValue().end()));
        long reach = 0;
        String previous = null;
        for (Map.Entry<String, Tensor> b : byStart) {
            long begin = b.getValue().begin();
            if (begin < reach) {
                throw new ModelFormatException(source + ": tensors '" + previous + "' and '" + b.getKey() + "' overlap"
                        + " (bytes " + begin + " to " + reach + " of the data belong to both)");
            }
            if (begin > reach) {
                throw new ModelFormatException(source + ": bytes " + reach + " to " + begin + " of the data belong to no"
                        + " tensor (the header's data_offsets must cover the data without gaps)");
            }
            reach = b.getValue().end();
            previous = b.getKey();
        }
        if (reach != dataSize) {
            throw new ModelFormatException(source + ": " + (dataSize - reach) + " bytes after the last tensor belong to"
                    + " no tensor (the header's data_offsets must cover the data; a damaged or foreign file?)");
        }
        return out;
    }

    private static Tensor tensor(String name, Object v, long dataSize, List<String> readable, String source) {
        String where = source + ": tensor '" + name + "'";
        if (!(v instanceof Map<?, ?> m)) {
            throw new ModelFormatException(where + " must be an object, found " + Json.typeName(v));
        }
        for (Object key : m.keySet()) {
            if (!FIELDS.contains(key)) {
                throw new ModelFormatException(where + " has the unknown field '" + key + "'");
            }
        }
        String dtype = field(m, "dtype", String.class, "a string", where);
        if (!readable.contains(dtype)) {
            throw new ModelFormatException(where + " has dtype '" + dtype + "'; valle reads " + spoken(readable)
                    + " from this file");
        }
        List<?> shapeList = field(m, "shape", List.class, "a list", where);
        int[] shape = new int[shapeList.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(shapeList.get(i) instanceof Long dim) || dim < 0 || dim > Integer.MAX_VALUE) {
                throw new ModelFormatException(where + " has the invalid shape " + shapeList);
            }
            shape[i] = dim.intValue();
            try {
                elements = Math.multiplyExact(elements, dim);
            } catch (ArithmeticException overflow) {
                throw new ModelFormatException(where + " has the impossibly large shape " + shapeList);
            }
        }
        List<?> offsets = field(m, "data_offsets", List.class, "a list", where);
        if (offsets.size() != 2 || !(offsets.get(0) instanceof Long begin) || !(offsets.get(1) instanceof Long end)
                || begin < 0 || end < begin) {
            throw new ModelFormatException(where + " has invalid data_offsets " + offsets
                    + " (two byte offsets, begin <= end)");
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(elements, byteSize(dtype));
        } catch (ArithmeticException overflow) {
            throw new ModelFormatException(where + " has the impossibly large shape " + shapeList);
        }
        if (end - begin != bytes) {
            throw new ModelFormatException(where + " has shape " + Arrays.toString(shape) + " of " + dtype + " = "
                    + bytes + " bytes but its data_offsets span " + (end - begin) + " bytes");
        }
        if (end > dataSize) {
            throw new ModelFormatException(where + " ends at byte " + end + " of the data but the file has "
                    + dataSize + " (truncated?)");
        }
        return new Tensor(dtype, shape, begin, end);
    }

    /** The entry's {@code key}, which must be present and of {@code type}. */
    private static <T> T field(Map<?, ?> m, String key, Class<T> type, String expected, String where) {
        if (!m.containsKey(key)) {
            throw new ModelFormatException(where + " has no " + key);
        }
        Object v = m.get(key);
        if (!type.isInstance(v)) {
            throw new ModelFormatException(where + " has a " + key + " that is " + Json.typeName(v) + ", not " + expected);
        }
        return type.cast(v);
    }

    /** "F32, F16 and BF16". */
    private static String spoken(List<String> names) {
        if (names.size() < 2) {
            return String.join("", names);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.getLast();
    }

    private static String utf8(byte[] bytes, String source) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ModelFormatException(source + ": the header is not valid UTF-8 (not a safetensors file?)", e);
        }
    }
}

package valle.core.load;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import valle.api.ModelFormatException;
import valle.api.tensor.DType;
import valle.api.tensor.TensorView;
import valle.api.tensor.Weights;

/**
 * A safetensors file, memory-mapped read-only: an 8-byte little-endian header length, a JSON header naming
 * every tensor's dtype, shape and byte range, then the data. The header is validated completely before any
 * tensor is handed out (sizes, offsets, overlaps, dtypes, shapes); tensors stay in the file and are widened
 * to float32 when read. Owns the mapping: {@link #close()} releases it and later reads throw
 * {@link IllegalStateException}. Thread-safe for reading.
 */
public final class SafetensorsFile implements Weights, AutoCloseable {
    /** Headers beyond this are refused: real ones are a few hundred KiB, and the header is read into memory. */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    private static final String METADATA = "__metadata__";

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final String source;
    private final Arena arena;
    private final MemorySegment data;
    private final Map<String, String> metadata;
    private final Map<String, MappedTensor> tensors;
    private volatile boolean closed;

    private SafetensorsFile(String source, Arena arena, MemorySegment data, Map<String, String> metadata,
                            Map<String, Entry> entries) {
        this.source = source;
        this.arena = arena;
        this.data = data;
        this.metadata = metadata;
        Map<String, MappedTensor> views = new TreeMap<>();
        entries.forEach((name, e) -> views.put(name, new MappedTensor(name, e)));
        this.tensors = Collections.unmodifiableMap(views);
    }

    /**
     * Maps and validates {@code file}.
     *
     * @throws ModelFormatException naming the file and the problem; nothing stays mapped
     */
    public static SafetensorsFile open(Path file) {
        String source = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        Arena arena = Arena.ofShared();
        boolean opened = false;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new ModelFormatException(source + ": " + size + " bytes is too short for a safetensors file "
                        + "(it starts with an 8-byte header length)");
            }
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            long headerLength = all.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            if (headerLength < 0 || headerLength > size - 8) {
                throw new ModelFormatException(source + ": header of " + Long.toUnsignedString(headerLength)
                        + " bytes does not fit in a file of " + size + " bytes (truncated, or not a safetensors file?)");
            }
            if (headerLength > MAX_HEADER_BYTES) {
                throw new ModelFormatException(source + ": header of " + headerLength + " bytes does not fit the "
                        + MAX_HEADER_BYTES + "-byte limit (not a safetensors file?)");
            }
            String header = utf8(all.asSlice(8, headerLength).toArray(ValueLayout.JAVA_BYTE), source);
            MemorySegment data = all.asSlice(8 + headerLength);
            Map<String, Object> json = Json.parseObject(header, source + " header");
            Map<String, String> metadata = json.containsKey(METADATA) ? metadata(json.get(METADATA), source) : Map.of();
            Map<String, Entry> entries = entries(json, data.byteSize(), source);
            SafetensorsFile result = new SafetensorsFile(source, arena, data, metadata, entries);
            opened = true;
            return result;
        } catch (IOException e) {
            throw new ModelFormatException(source + ": cannot read: " + e.getClass().getSimpleName() + ": "
                    + e.getMessage(), e);
        } finally {
            // every failure, Errors included, unmaps: a refused file must not stay mapped (or locked, on Windows)
            if (!opened) {
                arena.close();
            }
        }
    }

    /** The {@code __metadata__} string entries, in file order. */
    public Map<String, String> metadata() {
        return metadata;
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
        return source;
    }

    /** Unmaps the file; idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }

    private record Entry(DType dtype, int[] shape, long begin, long end) {
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
        return Collections.unmodifiableMap(out);
    }

    private static Map<String, Entry> entries(Map<String, Object> json, long dataSize, String source) {
        Map<String, Entry> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : json.entrySet()) {
            String name = e.getKey();
            if (name.equals(METADATA)) {
                continue;
            }
            out.put(name, entry(name, e.getValue(), dataSize, source));
        }
        // as safetensors' own validation: sorted by offset, the ranges must tile the data exactly, so no byte is
        // shared by two tensors (a write through one would change the other) or hidden between them
        // (empty tensors own no bytes: they may sit anywhere in the data)
        List<Map.Entry<String, Entry>> byStart = new ArrayList<>(out.entrySet());
        byStart.removeIf(x -> x.getValue().begin() == x.getValue().end());
        byStart.sort(Comparator.<Map.Entry<String, Entry>>comparingLong(x -> x.getValue().begin())
                .thenComparingLong(x -> x.getValue().end()));
        long reach = 0;
        String previous = null;
        for (Map.Entry<String, Entry> b : byStart) {
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

    private static Entry entry(String name, Object v, long dataSize, String source) {
        String where = source + ": tensor '" + name + "'";
        if (!(v instanceof Map<?, ?> m)) {
            throw new ModelFormatException(where + " must be an object, found " + Json.typeName(v));
        }
        for (Object key : m.keySet()) {
            if (!Set.of("dtype", "shape", "data_offsets").contains(key)) {
                throw new ModelFormatException(where + " has the unknown field '" + key + "'");
            }
        }
        String dtypeName = field(m, "dtype", String.class, "a string", where);
        DType dtype;
        try {
            dtype = DType.valueOf(dtypeName);
        } catch (IllegalArgumentException unknown) {
            throw new ModelFormatException(where + " has dtype '" + dtypeName + "'; valle reads F32, F16 and BF16");
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
            bytes = Math.multiplyExact(elements, dtype.byteSize());
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
        return new Entry(dtype, shape, begin, end);
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

    private static String utf8(byte[] bytes, String source) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ModelFormatException(source + ": the header is not valid UTF-8 (not a safetensors file?)", e);
        }
    }

    /** One tensor's bytes in the mapping. */
    private final class MappedTensor implements TensorView {
        private final String name;
        private final Entry entry;
        private final long size;

        MappedTensor(String name, Entry entry) {
            this.name = name;
            this.entry = entry;
            long n = 1;
            for (int d : entry.shape()) {
                n *= d;
            }
            this.size = n;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public DType dtype() {
            return entry.dtype();
        }

        @Override
        public int[] shape() {
            return entry.shape().clone();
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public void read(long start, float[] dst, int dstOffset, int count) {
            if (closed) {
                throw closedError(null);
            }
            Objects.checkFromIndexSize(start, count, size);
            Objects.checkFromIndexSize(dstOffset, count, dst.length);
            long base = entry.begin();
            try {
                switch (entry.dtype()) {
                    case F32 -> MemorySegment.copy(data, F32, base + start * 4, dst, dstOffset, count);
                    case F16 -> {
                        for (int i = 0; i < count; i++) {
                            dst[dstOffset + i] = Float.float16ToFloat(data.get(U16, base + (start + i) * 2));
                        }
                    }
                    case BF16 -> {
                        for (int i = 0; i < count; i++) {
                            dst[dstOffset + i] = Float.intBitsToFloat((data.get(U16, base + (start + i) * 2) & 0xffff) << 16);
                        }
                    }
                }
            } catch (IllegalStateException e) {
                // a close racing this read: the arena refuses the access safely; report it as the file's closing
                if (closed) {
                    throw closedError(e);
                }
                throw e;
            }
        }

        private IllegalStateException closedError(Throwable cause) {
            return new IllegalStateException(source + " is closed", cause);
        }
    }
}

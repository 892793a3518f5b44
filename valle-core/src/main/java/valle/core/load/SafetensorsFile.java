package valle.core.load;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Collections;
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
import valle.kit.io.SafetensorsHeader;

/**
 * A safetensors file, memory-mapped read-only: an 8-byte little-endian header length, a JSON header naming
 * every tensor's dtype, shape and byte range, then the data. The header is validated completely before any
 * tensor is handed out ({@link SafetensorsHeader}: sizes, offsets, overlaps, dtypes F32, F16 and BF16, shapes);
 * tensors stay in the file and are widened to float32 when read. Owns the mapping: {@link #close()} releases it and later reads throw
 * {@link IllegalStateException}. Thread-safe for reading.
 */
public final class SafetensorsFile implements Weights, AutoCloseable {
    /** The dtypes valle reads from model files: those it can widen to float32. */
    private static final List<String> READABLE = Arrays.stream(DType.values()).map(DType::name).toList();

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final String source;
    private final Arena arena;
    private final MemorySegment data;
    private final Map<String, String> metadata;
    private final Map<String, MappedTensor> tensors;
    private volatile boolean closed;

    private SafetensorsFile(String source, Arena arena, MemorySegment data, SafetensorsHeader header) {
        this.source = source;
        this.arena = arena;
        this.data = data;
        this.metadata = header.metadata();
        Map<String, MappedTensor> views = new TreeMap<>();
        header.tensors().forEach((name, t) -> views.put(name, new MappedTensor(name, t)));
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
            MemorySegment all = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size(), arena);
            SafetensorsHeader header = SafetensorsHeader.read(all, source, READABLE);
            SafetensorsFile result = new SafetensorsFile(source, arena, all.asSlice(header.dataStart()), header);
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

    /** One tensor's bytes in the mapping. */
    private final class MappedTensor implements TensorView {
        private final String name;
        private final DType dtype;
        private final int[] shape;
        private final long begin;
        private final long size;

        MappedTensor(String name, SafetensorsHeader.Tensor entry) {
            this.name = name;
            this.dtype = DType.valueOf(entry.dtype());
            this.shape = entry.shape();
            this.begin = entry.begin();
            this.size = entry.elements();
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public DType dtype() {
            return dtype;
        }

        @Override
        public int[] shape() {
            return shape.clone();
        }

        @Override
        public long size() {
            return size;
        }

        /** {@code madvise(MADV_DONTNEED)} over the tensor's bytes: clean file pages, so nothing is lost. */
        @Override
        public void releaseResidentPages() {
            if (closed) {
                throw closedError(null);
            }
            data.asSlice(begin, size * (dtype == DType.F32 ? 4 : 2)).unload();
        }

        @Override
        public void read(long start, float[] dst, int dstOffset, int count) {
            if (closed) {
                throw closedError(null);
            }
            Objects.checkFromIndexSize(start, count, size);
            Objects.checkFromIndexSize(dstOffset, count, dst.length);
            long base = begin;
            try {
                switch (dtype) {
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

package valle.core.load;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import valle.api.tensor.DType;

/**
 * Builds safetensors files for tests: an 8-byte little-endian header length, a JSON header (with
 * {@code __metadata__} first when there is any, then the tensors in the order added), then the tensor data
 * packed back to back, little-endian. {@link #raw} writes an arbitrary header string and data bytes, for
 * crafting hostile files.
 */
final class SafetensorsWriter {

    private record Tensor(String name, DType dtype, int[] shape, float[] values) {
    }

    private final List<Tensor> tensors = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    /** Adds a tensor; {@code values} are encoded in {@code dtype} (F16 and BF16 must be exactly representable). */
    SafetensorsWriter tensor(String name, DType dtype, int[] shape, float... values) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n != values.length) {
            throw new IllegalArgumentException(name + ": shape holds " + n + " values, got " + values.length);
        }
        tensors.add(new Tensor(name, dtype, shape.clone(), values.clone()));
        return this;
    }

    /** Adds a {@code __metadata__} string entry (kept in insertion order). */
    SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** The header JSON this writer produces. */
    String header() {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        if (!metadata.isEmpty()) {
            sb.append("\"__metadata__\":{");
            boolean firstMeta = true;
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                if (!firstMeta) {
                    sb.append(',');
                }
                firstMeta = false;
                sb.append(quote(e.getKey())).append(':').append(quote(e.getValue()));
            }
            sb.append('}');
            first = false;
        }
        long offset = 0;
        for (Tensor t : tensors) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            long bytes = (long) t.values().length * t.dtype().byteSize();
            sb.append(quote(t.name())).append(":{\"dtype\":\"").append(t.dtype().name()).append("\",\"shape\":[");
            for (int i = 0; i < t.shape().length; i++) {
                sb.append(i == 0 ? "" : ",").append(t.shape()[i]);
            }
            sb.append("],\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        return sb.append('}').toString();
    }

    /** The tensor data, packed in the order added. */
    byte[] data() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Tensor t : tensors) {
            ByteBuffer b = ByteBuffer.allocate(t.values().length * t.dtype().byteSize()).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : t.values()) {
                switch (t.dtype()) {
                    case F32 -> b.putFloat(v);
                    case F16 -> b.putShort(Float.floatToFloat16(v));
                    case BF16 -> b.putShort((short) (Float.floatToRawIntBits(v) >>> 16));
                }
            }
            out.writeBytes(b.array());
        }
        return out.toByteArray();
    }

    /** The whole file. The header is padded with spaces to a multiple of 8 bytes, as the reference writer does. */
    byte[] toBytes() {
        StringBuilder header = new StringBuilder(header());
        while (header.toString().getBytes(StandardCharsets.UTF_8).length % 8 != 0) {
            header.append(' ');
        }
        return raw(header.toString(), data());
    }

    /** Writes the whole file to {@code file} and returns it. */
    Path write(Path file) {
        return write(file, toBytes());
    }

    /** A file made of the 8-byte little-endian length of {@code header} in UTF-8, the header, then {@code data}. */
    static byte[] raw(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return raw(h.length, h, data);
    }

    /** A file whose length field says {@code declaredHeaderLength}, whatever {@code header} really holds. */
    static byte[] raw(long declaredHeaderLength, byte[] header, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(declaredHeaderLength).put(header).put(data);
        return b.array();
    }

    /** Writes {@code raw(header, data)} to {@code file} and returns it. */
    static Path writeRaw(Path file, String header, byte[] data) {
        return write(file, raw(header, data));
    }

    /** Writes {@code bytes} to {@code file} and returns it. */
    static Path write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}

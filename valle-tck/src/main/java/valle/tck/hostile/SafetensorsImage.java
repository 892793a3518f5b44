package valle.tck.hostile;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import valle.core.load.JsonWriter;
import valle.kit.io.Json;

/**
 * An editable copy of a safetensors file: its header as a mutable map and its data bytes, written back with
 * the header re-serialised. Edits break the file on purpose; nothing here validates.
 */
final class SafetensorsImage {
    final Map<String, Object> header;
    final byte[] data;

    private SafetensorsImage(Map<String, Object> header, byte[] data) {
        this.header = header;
        this.data = data;
    }

    static SafetensorsImage of(byte[] file) {
        long n = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        String text = new String(file, 8, (int) n, StandardCharsets.UTF_8);
        @SuppressWarnings("unchecked")
        Map<String, Object> header = (Map<String, Object>) mutable(Json.parseObject(text, "golden header"));
        return new SafetensorsImage(header, Arrays.copyOfRange(file, 8 + (int) n, file.length));
    }

    /** The tensor entry {@code name} ({@code dtype}, {@code shape}, {@code data_offsets}), to edit in place. */
    @SuppressWarnings("unchecked")
    Map<String, Object> tensor(String name) {
        return (Map<String, Object>) header.get(name);
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> metadata() {
        return (Map<String, Object>) header.computeIfAbsent("__metadata__", k -> new LinkedHashMap<>());
    }

    byte[] bytes() {
        return bytes(JsonWriter.write(header).getBytes(StandardCharsets.UTF_8), data);
    }

    /** A file of the given header bytes and data, the length prefix true. */
    static byte[] bytes(byte[] header, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header).put(data);
        return b.array();
    }

    private static Object mutable(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put((String) k, mutable(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(mutable(x)));
            return out;
        }
        return v;
    }
}

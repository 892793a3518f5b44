package valle.arch.retnet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import valle.api.tensor.ArrayTensor;
import valle.api.tensor.Weights;

/**
 * The float16 tensors of a golden {@code model.sft} as {@link Weights}, for tests that must not depend on
 * valle-core's reader: an 8-byte header length, a JSON header of {@code name → dtype, shape, data_offsets},
 * then the data. Float16 widens to float32 exactly, so the views hold what the file holds.
 */
final class SafetensorsWeights {
    /** One header entry; the metadata's JSON sits inside escaped strings and never matches. */
    private static final Pattern ENTRY = Pattern.compile(
            "\"([^\"]+)\":\\{\"dtype\":\"([A-Z0-9]+)\",\"shape\":\\[([0-9,]*)],\"data_offsets\":\\[(\\d+),(\\d+)]}");

    private SafetensorsWeights() {
    }

    static Weights read(String resource) {
        byte[] raw = Npy.Resources.bytes(resource);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = Math.toIntExact(b.getLong(0));
        String header = new String(raw, 8, headerLength, StandardCharsets.UTF_8).replace(" ", "");
        int data = 8 + headerLength;
        List<ArrayTensor> tensors = new ArrayList<>();
        Matcher m = ENTRY.matcher(header);
        while (m.find()) {
            if (!m.group(2).equals("F16")) {
                throw new IllegalArgumentException(resource + ": " + m.group(1) + " is " + m.group(2) + ", expected F16");
            }
            int[] shape = m.group(3).isEmpty() ? new int[0]
                    : java.util.Arrays.stream(m.group(3).split(",")).mapToInt(Integer::parseInt).toArray();
            int from = data + Integer.parseInt(m.group(4));
            int to = data + Integer.parseInt(m.group(5));
            float[] values = new float[(to - from) / 2];
            for (int i = 0; i < values.length; i++) {
                values[i] = Float.float16ToFloat(b.getShort(from + 2 * i));
            }
            tensors.add(new ArrayTensor(m.group(1), shape, values));
        }
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException(resource + ": no tensor in the header");
        }
        return Weights.of(resource, tensors);
    }
}

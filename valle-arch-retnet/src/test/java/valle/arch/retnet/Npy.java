package valle.arch.retnet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A float32 {@code .npy} array from the test resources (little-endian, C order: what the goldens hold). */
record Npy(int[] shape, float[] values) {
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']*)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    static Npy read(String resource) {
        byte[] raw = Resources.bytes(resource);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        if (raw.length < 10 || raw[0] != (byte) 0x93 || !new String(raw, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
            throw new IllegalArgumentException(resource + " is not an .npy file");
        }
        int major = raw[6];
        int headerLength = major == 1 ? Short.toUnsignedInt(b.getShort(8)) : b.getInt(8);
        int start = major == 1 ? 10 : 12;
        String header = new String(raw, start, headerLength, StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, resource);
        if (!descr.equals("<f4") || group(ORDER, header, resource).equals("True")) {
            throw new IllegalArgumentException(resource + ": only little-endian float32 in C order, got " + header);
        }
        String dims = group(SHAPE, header, resource).trim();
        int[] shape = dims.isEmpty() ? new int[0]
                : java.util.Arrays.stream(dims.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                        .mapToInt(Integer::parseInt).toArray();
        int count = 1;
        for (int d : shape) {
            count *= d;
        }
        float[] values = new float[count];
        b.position(start + headerLength);
        b.asFloatBuffer().get(values);
        return new Npy(shape, values);
    }

    private static String group(Pattern p, String header, String resource) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IllegalArgumentException(resource + ": no " + p + " in the header " + header);
        }
        return m.group(1);
    }

    /** The {@code i}-th slice along the first axis, e.g. one layer of {@code [L, T, D]}. */
    float[] slice(int i) {
        int size = values.length / shape[0];
        return java.util.Arrays.copyOfRange(values, i * size, (i + 1) * size);
    }

    /** Test resources by name, relative to this package's {@code golden/} folder. */
    static final class Resources {
        private Resources() {
        }

        static byte[] bytes(String name) {
            try (InputStream in = Npy.class.getResourceAsStream("golden/" + name)) {
                if (in == null) {
                    throw new IllegalArgumentException("no test resource golden/" + name);
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}

package valle.codec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The codec goldens bundled with the TCK ({@code valle-tck/golden/codec}, a copy of the codec oracle), read
 * from this module's tests without depending on core: {@code .npy} arrays of {@code <f4} or {@code <i4}, C order.
 */
public record Golden(int[] shape, float[] values) {
    /** The set's root: Maven runs tests in the module folder. */
    public static final Path ROOT = Path.of("..", "valle-tck", "golden", "codec");
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([<|][fi]4)'");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    public static Path weights(String name) {
        return ROOT.resolve("weights").resolve(name);
    }

    public static Path caseDir(String name) {
        return ROOT.resolve("golden").resolve(name);
    }

    public static boolean has(String caseName, String array) {
        return Files.isRegularFile(caseDir(caseName).resolve(array + ".npy"));
    }

    public static Golden read(String caseName, String array) {
        Path f = caseDir(caseName).resolve(array + ".npy");
        byte[] raw;
        try {
            raw = Files.readAllBytes(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int headerLen = (raw[8] & 0xff) | (raw[9] & 0xff) << 8;
        String header = new String(raw, 10, headerLen, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (raw[6] != 1 || !d.find() || !s.find() || header.contains("'fortran_order': True")) {
            throw new IllegalArgumentException(f + ": not a v1 <f4/<i4 C-order .npy");
        }
        String dims = s.group(1).replace(" ", "");
        int[] shape = dims.isEmpty() ? new int[0]
                : java.util.Arrays.stream(dims.split(",")).filter(x -> !x.isEmpty()).mapToInt(Integer::parseInt).toArray();
        int n = 1;
        for (int x : shape) {
            n *= x;
        }
        ByteBuffer b = ByteBuffer.wrap(raw, 10 + headerLen, 4 * n).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = new float[n];
        boolean ints = d.group(1).endsWith("i4");
        for (int i = 0; i < n; i++) {
            v[i] = ints ? b.getInt() : b.getFloat();
        }
        return new Golden(shape, v);
    }

    public int[] ints() {
        int[] out = new int[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) values[i];
        }
        return out;
    }

    /** The oracle's rule: max |diff| <= 1e-4 · max(1, max |golden|). */
    public double tolerance() {
        double m = 1;
        for (float v : values) {
            m = Math.max(m, Math.abs(v));
        }
        return 1e-4 * m;
    }

    /** The largest absolute difference from {@code actual}, or infinity when the sizes differ. */
    public double maxDiff(float[] actual) {
        if (actual.length != values.length) {
            return Double.POSITIVE_INFINITY;
        }
        double worst = 0;
        for (int i = 0; i < values.length; i++) {
            double d = Math.abs(values[i] - actual[i]);
            worst = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(worst, d);
        }
        return worst;
    }
}

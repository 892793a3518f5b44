package valle.core.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import valle.api.ModelFormatException;

/**
 * A numpy {@code .npy} array, read whole (format 1.0, 2.0 and 3.0, C order). Element types: little-endian
 * {@code f4}, {@code f8}, {@code i1}, {@code i2}, {@code i4}, {@code i8}, {@code u1}, {@code u2}. Values
 * widen to double (so {@code i8} values beyond 2<sup>53</sup> round); {@link #integral()} tells whether the
 * file held an integer type. Big-endian, Fortran-order, object and structured arrays are refused, as are
 * truncated files; every error is a {@link ModelFormatException} naming the source.
 *
 * <p>{@link #writeInts} writes an {@code <i4} array the way {@code numpy.save} does, atomically.
 */
public record NpyArray(int[] shape, double[] values, boolean integral) {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    private static final Pattern TYPE = Pattern.compile("([<>|=])([a-zA-Z])(\\d*)");
    /** numpy pads the header so the data starts at a multiple of this. */
    private static final int ALIGN = 64;

    public NpyArray {
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(values, "values");
        long count = 1;
        for (int n : shape) {
            if (n < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            count *= n;
        }
        if (count != values.length) {
            throw new IllegalArgumentException(values.length + " values for shape " + Arrays.toString(shape));
        }
    }

    /** Reads a {@code .npy} file. */
    public static NpyArray read(Path file) {
        return parse(readAll(file), file.toString());
    }

    /** Parses the bytes of a {@code .npy} file; {@code source} names it in errors. */
    public static NpyArray parse(byte[] bytes, String source) {
        Header h = header(bytes, source);
        if (h.kind() == 'O') {
            throw new ModelFormatException(source + ": object arrays (dtype " + h.descr() + ") are not supported");
        }
        if (h.fortranOrder()) {
            throw new ModelFormatException(source + ": Fortran-order arrays are not supported");
        }
        if (h.bigEndian()) {
            throw new ModelFormatException(source + ": big-endian arrays (dtype " + h.descr() + ") are not supported");
        }
        if (!supported(h.kind(), h.width())) {
            throw new ModelFormatException(source + ": unsupported dtype " + h.descr()
                    + " (supported: <f4 <f8 <i8 <i4 <i2 |i1 <u2 |u1)");
        }
        long count = elements(h.shape(), source);
        long need = count * h.width();
        long have = bytes.length - (long) h.dataStart();
        if (need > have) {
            throw new ModelFormatException(source + ": truncated .npy data: shape " + Arrays.toString(h.shape())
                    + " of " + h.descr() + " needs " + need + " bytes, the file has " + have);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        double[] values = decode(b, h.dataStart(), h.kind(), h.width(), (int) count);
        return new NpyArray(h.shape(), values, h.kind() != 'f');
    }

    public int size() {
        return values.length;
    }

    /** The values as ints (truncating casts; meant for integer arrays). */
    public int[] ints() {
        int[] out = new int[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) values[i];
        }
        return out;
    }

    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public String toString() {
        return "NpyArray" + shapeString() + (integral ? " integral" : " float") + " of " + values.length + " values";
    }

    /**
     * Writes {@code values} as a format-1.0 {@code <i4} C-order {@code .npy} file, the header padded to 64
     * bytes as {@code numpy.save} does. The file is written to a temporary file beside it and moved into
     * place, so a failure leaves no half-written file (and an existing file untouched).
     *
     * @throws IllegalArgumentException if the shape does not match the number of values
     * @throws UncheckedIOException if the file cannot be written
     */
    public static void writeInts(Path file, int[] shape, int[] values) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(values, "values");
        long count = 1;
        for (int n : shape) {
            if (n < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            count *= n;
            if (count > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " is too large");
            }
        }
        if (count != values.length) {
            throw new IllegalArgumentException(values.length + " values for shape " + Arrays.toString(shape));
        }
        byte[] header = headerBytes("<i4", shape);
        ByteBuffer data = ByteBuffer.allocate(header.length + 4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        data.put(header);
        for (int v : values) {
            data.putInt(v);
        }
        data.flip();
        writeAtomically(file, data);
    }

    // ---- header -------------------------------------------------------------------------------------------

    /** A parsed {@code .npy} header. {@code kind} is the numpy kind letter, {@code width} the item size. */
    record Header(String descr, char kind, int width, boolean bigEndian, boolean fortranOrder, int[] shape,
            int dataStart) {
    }

    /** Parses and checks the magic, version and header dictionary; the dtype is not yet checked. */
    static Header header(byte[] raw, String source) {
        if (raw.length < 10 || !Arrays.equals(raw, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new ModelFormatException(source + ": not a .npy file (bad magic)");
        }
        int major = raw[6] & 0xff;
        long headerLen;
        int start;
        switch (major) {
            case 1 -> {
                headerLen = (raw[8] & 0xff) | (raw[9] & 0xff) << 8;
                start = 10;
            }
            case 2, 3 -> {
                if (raw.length < 12) {
                    throw new ModelFormatException(source + ": truncated .npy header");
                }
                headerLen = Integer.toUnsignedLong(ByteBuffer.wrap(raw, 8, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
                start = 12;
            }
            default -> throw new ModelFormatException(source + ": unsupported .npy format version " + major + "."
                    + (raw[7] & 0xff));
        }
        if (headerLen > raw.length - start) {
            throw new ModelFormatException(source + ": truncated .npy header: it claims " + headerLen
                    + " bytes, the file has " + (raw.length - start) + " after the preamble");
        }
        String header = new String(raw, start, (int) headerLen,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1).strip();
        if (!header.startsWith("{") || !header.endsWith("}")) {
            throw new ModelFormatException(source + ": unreadable .npy header " + shorten(header));
        }
        Matcher d = DESCR.matcher(header);
        Matcher o = ORDER.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find()) {
            throw new ModelFormatException(source + ": unsupported dtype in .npy header " + shorten(header)
                    + " (structured arrays are not supported)");
        }
        if (!o.find() || !s.find()) {
            throw new ModelFormatException(source + ": unreadable .npy header " + shorten(header));
        }
        String descr = d.group(1);
        Matcher t = TYPE.matcher(descr);
        if (!t.matches()) {
            throw new ModelFormatException(source + ": unsupported dtype " + descr);
        }
        int width;
        try {
            width = t.group(3).isEmpty() ? 0 : Integer.parseInt(t.group(3));
        } catch (NumberFormatException e) {
            throw new ModelFormatException(source + ": unsupported dtype " + descr);
        }
        char kind = t.group(2).charAt(0);
        boolean bigEndian = t.group(1).equals(">") && width > 1;
        int[] shape = parseShape(s.group(1), source);
        return new Header(descr, kind, width, bigEndian, o.group(1).equals("True"), shape, start + (int) headerLen);
    }

    private static int[] parseShape(String tuple, String source) {
        String body = tuple.strip();
        if (body.endsWith(",")) {
            body = body.substring(0, body.length() - 1);
        }
        if (body.isBlank()) {
            return new int[0];
        }
        String[] parts = body.split(",");
        int[] shape = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i].strip();
            if (p.endsWith("L")) {
                p = p.substring(0, p.length() - 1); // Python 2 longs
            }
            try {
                shape[i] = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new ModelFormatException(source + ": bad .npy shape (" + tuple + ")");
            }
            if (shape[i] < 0) {
                throw new ModelFormatException(source + ": negative dimension in .npy shape (" + tuple + ")");
            }
        }
        return shape;
    }

    /** The element count of {@code shape}, refusing counts that do not fit a Java array. */
    static long elements(int[] shape, String source) {
        long count = 1;
        for (int n : shape) {
            count *= n;
            if (count > Integer.MAX_VALUE - 8) {
                throw new ModelFormatException(source + ": array shape " + Arrays.toString(shape) + " is too large");
            }
        }
        return count;
    }

    static boolean supported(char kind, int width) {
        return switch (kind) {
            case 'f' -> width == 4 || width == 8;
            case 'i' -> width == 1 || width == 2 || width == 4 || width == 8;
            case 'u' -> width == 1 || width == 2;
            default -> false;
        };
    }

    /** Decodes {@code count} little-endian elements of a {@link #supported} type starting at {@code at}. */
    static double[] decode(ByteBuffer b, int at, char kind, int width, int count) {
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            int p = at + i * width;
            out[i] = switch (kind) {
                case 'f' -> width == 4 ? b.getFloat(p) : b.getDouble(p);
                case 'u' -> width == 1 ? Byte.toUnsignedInt(b.get(p)) : Short.toUnsignedInt(b.getShort(p));
                default -> switch (width) {
                    case 1 -> b.get(p);
                    case 2 -> b.getShort(p);
                    case 4 -> b.getInt(p);
                    default -> b.getLong(p);
                };
            };
        }
        return out;
    }

    private static byte[] headerBytes(String descr, int[] shape) {
        StringBuilder dims = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            dims.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        if (shape.length == 1) {
            dims.append(',');
        }
        StringBuilder h = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims
                + "), }");
        int total = 10 + h.length() + 1;
        h.append(" ".repeat((ALIGN - total % ALIGN) % ALIGN)).append('\n');
        byte[] text = h.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[10 + text.length];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        out[6] = 1;
        out[7] = 0;
        out[8] = (byte) text.length;
        out[9] = (byte) (text.length >>> 8);
        System.arraycopy(text, 0, out, 10, text.length);
        return out;
    }

    private static void writeAtomically(Path file, ByteBuffer data) {
        AtomicFile.write(file, data);
    }

    static byte[] readAll(Path file) {
        try {
            long size = Files.size(file);
            if (size > Integer.MAX_VALUE - 8) {
                throw new ModelFormatException(file + ": " + size + " bytes is too large to read whole");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static String shorten(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}

package valle.tck;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import valle.api.ModelFormatException;

/**
 * A numpy {@code .npy} array (format 1.x/2.x, C order, little-endian {@code f4}, {@code f8}, {@code i4},
 * {@code i8}), read whole: golden arrays are small. Floats widen to double, integers to long.
 */
public record NpyArray(int[] shape, double[] values, boolean integral) {
    private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([<|=])([fi])(\\d)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order':\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

    public static NpyArray read(Path file) {
        byte[] raw;
        try {
            raw = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (raw.length < 10 || raw[0] != (byte) 0x93 || !new String(raw, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY")) {
            throw new ModelFormatException(file + ": not a .npy file");
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int major = raw[6];
        int headerLen = major == 1 ? Short.toUnsignedInt(b.getShort(8)) : b.getInt(8);
        int start = major == 1 ? 10 : 12;
        if (start + headerLen > raw.length) {
            throw new ModelFormatException(file + ": truncated .npy header");
        }
        String header = new String(raw, start, headerLen, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header);
        Matcher o = ORDER.matcher(header);
        Matcher s = SHAPE.matcher(header);
        if (!d.find() || !o.find() || !s.find()) {
            throw new ModelFormatException(file + ": unreadable .npy header " + header.strip());
        }
        if (o.group(1).equals("True")) {
            throw new ModelFormatException(file + ": Fortran-order arrays are not supported");
        }
        char kind = d.group(2).charAt(0);
        int width = Integer.parseInt(d.group(3));
        if (!((kind == 'f' && (width == 4 || width == 8)) || (kind == 'i' && (width == 4 || width == 8)))) {
            throw new ModelFormatException(file + ": unsupported dtype " + d.group(0));
        }
        List<Integer> dims = new ArrayList<>();
        for (String part : s.group(1).split(",")) {
            if (!part.isBlank()) {
                dims.add(Integer.parseInt(part.strip()));
            }
        }
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        long count = 1;
        for (int n : shape) {
            count *= n;
        }
        int dataStart = start + headerLen;
        if (dataStart + count * width > raw.length) {
            throw new ModelFormatException(file + ": truncated .npy data: " + count + " elements of " + width
                    + " bytes do not fit");
        }
        double[] values = new double[Math.toIntExact(count)];
        for (int i = 0; i < values.length; i++) {
            int at = dataStart + i * width;
            values[i] = switch (kind) {
                case 'f' -> width == 4 ? b.getFloat(at) : b.getDouble(at);
                default -> width == 4 ? b.getInt(at) : b.getLong(at);
            };
        }
        return new NpyArray(shape, values, kind == 'i');
    }

    public int size() {
        return values.length;
    }

    public int[] ints() {
        int[] out = new int[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (int) values[i];
        }
        return out;
    }

    public String shapeString() {
        return java.util.Arrays.toString(shape);
    }
}

package valle.core.load;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import valle.api.ModelFormatException;
import valle.api.codec.Codes;
import valle.kit.io.PickleGlobals;
import valle.kit.io.PickleTuple;
import valle.kit.io.Unpickler;

/**
 * A reference {@code .enc} file: a {@code .npy} file of dtype {@code |O} and shape {@code ()} whose payload is
 * a pickle (protocol 2 to 5) of {@code {"codes": uint16 [1, levels, T] or [levels, T], "metadata": {...}}}.
 *
 * <p>The pickle is read by the kit's strict {@link Unpickler}, which this file allows only these globals:
 * {@code numpy.core.multiarray._reconstruct}, {@code numpy._core.multiarray._reconstruct}, {@code numpy.ndarray},
 * {@code numpy.dtype}, {@code _codecs.encode} (bytes at protocol 2) and {@code numpy.core.numeric._frombuffer} /
 * {@code numpy._core.numeric._frombuffer} (arrays at protocol 5). Nothing is ever instantiated by name;
 * anything else is refused with a {@link ModelFormatException} naming the file, the opcode and its offset.
 *
 * <p>Codes become frame-major {@link Codes} {@code [T, levels]} and must all be in 0..1023. Metadata values
 * are {@code String}, {@code Long} (or {@code BigInteger}), {@code Double}, {@code Boolean}, {@code null},
 * {@code byte[]}, unmodifiable {@code List} (lists and tuples) and {@code Map}, or {@link NpyArray} for
 * numeric arrays.
 */
public record EncFile(Codes codes, Map<String, Object> metadata) {
    /** The largest valid code (EnCodec codebooks have 1024 entries). */
    public static final int MAX_CODE = 1023;

    public EncFile {
        Objects.requireNonNull(codes, "codes");
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(metadata, "metadata")));
    }

    /** Reads an {@code .enc} file. */
    public static EncFile read(Path file) {
        return parse(NpyArray.readAll(file), file.toString());
    }

    /** Parses the bytes of an {@code .enc} file; {@code source} names it in errors. */
    public static EncFile parse(byte[] bytes, String source) {
        NpyArray.Header h = NpyArray.header(bytes, source);
        if (h.kind() != 'O' || h.shape().length != 0 || h.fortranOrder()) {
            throw new ModelFormatException(source + ": not an .enc file: expected a .npy of dtype |O and shape (),"
                    + " got dtype " + h.descr() + " shape " + Arrays.toString(h.shape()));
        }
        Object root = Unpickler.load(bytes, h.dataStart(), source, new EncGlobals(source));
        Object dict = root;
        if (root instanceof NdArray a) {
            if (!a.built || !a.dtype.kind().equals("O") || a.shape.length != 0 || a.objects == null || a.objects.size() != 1) {
                throw new ModelFormatException(source + ": the pickle holds an array of " + a.describe()
                        + ", not a 0-d object array");
            }
            dict = a.objects.getFirst();
        }
        if (!(dict instanceof Map<?, ?> map)) {
            throw new ModelFormatException(source + ": the pickle holds " + Unpickler.describe(dict) + ", not a dict");
        }
        Object codes = map.get("codes");
        if (!(codes instanceof NdArray array) || !array.built) {
            throw new ModelFormatException(source + ": no \"codes\" array in the pickled dict (keys "
                    + map.keySet() + ")");
        }
        Object meta = map.containsKey("metadata") ? map.get("metadata") : Map.of();
        if (!(meta instanceof Map<?, ?> metaMap)) {
            throw new ModelFormatException(source + ": \"metadata\" is " + Unpickler.describe(meta) + ", not a dict");
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        Converter converter = new Converter(source);
        for (Map.Entry<?, ?> e : metaMap.entrySet()) {
            if (!(e.getKey() instanceof String key)) {
                throw new ModelFormatException(source + ": metadata key " + e.getKey() + " is not a string");
            }
            metadata.put(key, converter.convert(e.getValue(), 0));
        }
        return new EncFile(codes(array, source), metadata);
    }

    private static Codes codes(NdArray a, String source) {
        int[] s = a.shape;
        int levels;
        int frames;
        if (s.length == 3 && s[0] == 1) {
            levels = s[1];
            frames = s[2];
        } else if (s.length == 2) {
            levels = s[0];
            frames = s[1];
        } else {
            throw new ModelFormatException(source + ": codes must be [1, levels, T] or [levels, T], got "
                    + Arrays.toString(s));
        }
        if (levels < 1) {
            throw new ModelFormatException(source + ": codes have no levels: shape " + Arrays.toString(s));
        }
        String t = a.dtype.kind() + a.dtype.width();
        if (!List.of("u2", "i2", "i4", "i8", "u1").contains(t)) {
            throw new ModelFormatException(source + ": codes have dtype " + a.describe()
                    + "; expected an integer type (u2, i2, i4, i8 or u1)");
        }
        double[] v = a.values(source);
        int[] data = new int[frames * levels];
        for (int l = 0; l < levels; l++) {
            for (int f = 0; f < frames; f++) {
                double c = v[l * frames + f];
                if (!(c >= 0 && c <= MAX_CODE)) {
                    throw new ModelFormatException(source + ": code " + (long) c + " at level " + l + ", frame " + f
                            + " is outside 0.." + MAX_CODE);
                }
                data[f * levels + l] = (int) c;
            }
        }
        return new Codes(frames, levels, data);
    }

    // ---- the unpickled object model ------------------------------------------------------------------------

    /** One of the allowed globals. Never instantiated from file content; only compared. */
    private enum Global {
        RECONSTRUCT("numpy.core.multiarray._reconstruct"), NDARRAY("numpy.ndarray"), DTYPE("numpy.dtype"),
        CODECS_ENCODE("_codecs.encode"), FROMBUFFER("numpy.core.numeric._frombuffer");

        private final String python;

        Global(String python) {
            this.python = python;
        }

        static Global of(String module, String name) {
            return switch (module + " " + name) {
                case "numpy.core.multiarray _reconstruct", "numpy._core.multiarray _reconstruct" -> RECONSTRUCT;
                case "numpy ndarray" -> NDARRAY;
                case "numpy dtype" -> DTYPE;
                case "_codecs encode" -> CODECS_ENCODE;
                case "numpy.core.numeric _frombuffer", "numpy._core.numeric _frombuffer" -> FROMBUFFER;
                default -> null;
            };
        }

        @Override
        public String toString() {
            return python;
        }
    }

    /** A numpy dtype: {@code kind} ("u", "i", "f", "O", ...), item width, byte order ('<', '>', '|', '='). */
    private static final class DType {
        final String name;
        char order = '|';
        boolean built;

        DType(String name) {
            this.name = name;
        }

        String kind() {
            return name.isEmpty() ? "" : name.substring(0, 1);
        }

        int width() {
            try {
                return Integer.parseInt(name.substring(1));
            } catch (RuntimeException e) {
                return -1;
            }
        }

        /** As numpy spells it: {@code <u2}. */
        String spelled() {
            return (order == '=' ? "" : String.valueOf(order)) + name;
        }

        @Override
        public String toString() {
            return "a numpy.dtype";
        }
    }

    /** A numpy array: numeric ({@code data}) or of objects ({@code objects}). Built by BUILD or _frombuffer. */
    private static final class NdArray {
        int[] shape;
        DType dtype;
        byte[] data;
        List<Object> objects;
        boolean built;
        private double[] values;

        String describe() {
            return !built ? "unknown dtype (never built)" : dtype.spelled() + " " + Arrays.toString(shape);
        }

        @Override
        public String toString() {
            return "an array of " + describe();
        }

        double[] values(String source) {
            if (values == null) {
                char kind = dtype.kind().charAt(0);
                int width = dtype.width();
                values = NpyArray.decode(ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN), 0, kind, width,
                        data.length / width);
            }
            return values;
        }
    }

    /** Turns unpickled metadata into plain, immutable Java values, refusing cycles and deep nesting. */
    private static final class Converter {
        private static final int MAX_DEPTH = 32;
        private final String source;
        private final IdentityHashMap<Object, Object> done = new IdentityHashMap<>();

        Converter(String source) {
            this.source = source;
        }

        Object convert(Object o, int depth) {
            if (o == null || o instanceof String || o instanceof Long || o instanceof BigInteger
                    || o instanceof Double || o instanceof Boolean) {
                return o;
            }
            if (depth > MAX_DEPTH) {
                throw new ModelFormatException(source + ": metadata nested deeper than " + MAX_DEPTH
                        + " levels (or cyclic)");
            }
            Object seen = done.get(o);
            if (seen != null) {
                return seen;
            }
            Object out = switch (o) {
                case byte[] b -> b.clone();
                case PickleTuple t -> list(t.items(), depth);
                case List<?> l -> list(l, depth);
                case Map<?, ?> m -> {
                    Map<Object, Object> copy = new LinkedHashMap<>();
                    for (Map.Entry<?, ?> e : m.entrySet()) {
                        copy.put(convert(e.getKey(), depth + 1), convert(e.getValue(), depth + 1));
                    }
                    yield Collections.unmodifiableMap(copy);
                }
                case NdArray a when a.built && a.objects == null -> new NpyArray(a.shape, a.values(source).clone(),
                        !a.dtype.kind().equals("f"));
                default -> throw new ModelFormatException(source + ": metadata holds " + Unpickler.describe(o)
                        + ", which is not supported");
            };
            done.put(o, out);
            return out;
        }

        private List<Object> list(List<?> items, int depth) {
            List<Object> copy = new ArrayList<>(items.size());
            for (Object item : items) {
                copy.add(convert(item, depth + 1));
            }
            return Collections.unmodifiableList(copy);
        }
    }

    // ---- what the pickle may build ------------------------------------------------------------------------

    /** The numpy globals an {@code .enc} pickle may name, and the arrays and dtypes they build. */
    private static final class EncGlobals implements PickleGlobals {
        private final String source;

        EncGlobals(String source) {
            this.source = source;
        }

        @Override
        public String kind() {
            return "an .enc file";
        }

        @Override
        public Object global(String module, String name) {
            return Global.of(module, name);
        }

        @Override
        public Object reduce(Object callable, PickleTuple args, Unpickler at) {
            if (!(callable instanceof Global g)) {
                throw at.fail("REDUCE on " + Unpickler.describe(callable) + ", which is not callable here");
            }
            switch (g) {
                case RECONSTRUCT -> {
                    // _reconstruct(ndarray, (0,), b'b'): an empty array that BUILD fills in
                    if (args.size() != 3 || args.get(0) != Global.NDARRAY) {
                        throw at.fail("_reconstruct must be called on numpy.ndarray");
                    }
                    return new NdArray();
                }
                case DTYPE -> {
                    if (args.size() < 1 || !(args.get(0) instanceof String name) || name.length() > 16) {
                        throw at.fail("numpy.dtype needs a type name");
                    }
                    return new DType(name);
                }
                case CODECS_ENCODE -> {
                    if (args.size() != 2 || !(args.get(0) instanceof String text)
                            || !"latin1".equals(args.get(1)) && !"latin-1".equals(args.get(1))) {
                        throw at.fail("_codecs.encode is only allowed as encode(str, 'latin1')");
                    }
                    at.charge(text.length());
                    byte[] out = new byte[text.length()];
                    for (int i = 0; i < out.length; i++) {
                        char c = text.charAt(i);
                        if (c > 0xff) {
                            throw at.fail("_codecs.encode: character U+" + Integer.toHexString(c)
                                    + " is not latin-1");
                        }
                        out[i] = (byte) c;
                    }
                    return out;
                }
                case FROMBUFFER -> {
                    // _frombuffer(buffer, dtype, shape, order), protocol 5
                    if (args.size() != 4 || !(args.get(0) instanceof byte[] buffer) || !(args.get(1) instanceof DType dt)
                            || !(args.get(2) instanceof PickleTuple shape)) {
                        throw at.fail("_frombuffer needs (bytes, dtype, shape, order)");
                    }
                    if (!"C".equals(args.get(3))) {
                        Object order = args.get(3);
                        throw at.fail("only C-order arrays are supported (order "
                                + (order instanceof String o ? "'" + o + "'" : Unpickler.describe(order)) + ")");
                    }
                    NdArray a = new NdArray();
                    fill(a, shape(shape, at), dt, buffer, at);
                    return a;
                }
                default -> throw at.fail(g + " is not callable here");
            }
        }

        @Override
        public void build(Object target, Object state, Unpickler at) {
            if (!(state instanceof PickleTuple t)) {
                throw at.fail("BUILD state is not a tuple");
            }
            switch (target) {
                case DType dt when !dt.built -> {
                    // (version, byteorder, subdescr, names, fields, elsize, alignment, flags[, metadata])
                    if (t.size() < 8 || !(t.get(1) instanceof String order) || order.length() != 1) {
                        throw at.fail("unreadable numpy.dtype state");
                    }
                    if (t.get(2) != null || t.get(3) != null || t.get(4) != null) {
                        throw at.fail("structured or sub-array dtypes are not supported");
                    }
                    dt.order = order.charAt(0);
                    dt.built = true;
                }
                case NdArray a when !a.built -> {
                    // (version, shape, dtype, is_fortran, data)
                    if (t.size() != 5 || !(t.get(1) instanceof PickleTuple shape) || !(t.get(2) instanceof DType dt)
                            || !(t.get(3) instanceof Boolean fortran)) {
                        throw at.fail("unreadable numpy.ndarray state");
                    }
                    if (fortran) {
                        throw at.fail("Fortran-order arrays are not supported");
                    }
                    int[] dims = shape(shape, at);
                    if (dt.kind().equals("O")) {
                        if (!(t.get(4) instanceof List<?> items)) {
                            throw at.fail("object array state without a list of items");
                        }
                        long count = NpyArray.elements(dims, source);
                        if (items.size() != count) {
                            throw at.fail("object array of shape " + Arrays.toString(dims) + " holds " + items.size()
                                    + " items");
                        }
                        a.shape = dims;
                        a.dtype = dt;
                        a.objects = new ArrayList<>(items);
                        a.built = true;
                    } else {
                        if (!(t.get(4) instanceof byte[] data)) {
                            throw at.fail("array state without raw bytes");
                        }
                        fill(a, dims, dt, data, at);
                    }
                }
                case null, default -> throw at.fail("BUILD on " + Unpickler.describe(target) + " is not allowed");
            }
        }

        private void fill(NdArray a, int[] dims, DType dt, byte[] data, Unpickler at) {
            int width = dt.width();
            String kind = dt.kind();
            if (!dt.built) {
                throw at.fail("dtype " + dt.name + " has no state");
            }
            if (kind.isEmpty() || !NpyArray.supported(kind.charAt(0), width)) {
                throw at.fail("arrays of dtype " + dt.spelled() + " are not supported");
            }
            if (dt.order == '>' && width > 1) {
                throw at.fail("big-endian arrays (dtype " + dt.spelled() + ") are not supported");
            }
            long count = NpyArray.elements(dims, source);
            if (count * width != data.length) {
                throw at.fail("array of " + dt.spelled() + " " + Arrays.toString(dims) + " needs " + count * width
                        + " bytes, the pickle has " + data.length);
            }
            at.charge(count * 8);
            a.shape = dims;
            a.dtype = dt;
            a.data = data;
            a.built = true;
        }

        private int[] shape(PickleTuple t, Unpickler at) {
            int[] dims = new int[t.size()];
            if (dims.length > 32) {
                throw at.fail("array has " + dims.length + " dimensions");
            }
            for (int i = 0; i < dims.length; i++) {
                if (!(t.get(i) instanceof Long n) || n < 0 || n > Integer.MAX_VALUE) {
                    throw at.fail("bad array dimension " + Unpickler.describe(t.get(i)));
                }
                dims[i] = (int) (long) n;
            }
            return dims;
        }
    }
}

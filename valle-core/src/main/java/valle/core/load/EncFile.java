package valle.core.load;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
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

/**
 * A reference {@code .enc} file: a {@code .npy} file of dtype {@code |O} and shape {@code ()} whose payload is
 * a pickle (protocol 2 to 5) of {@code {"codes": uint16 [1, levels, T] or [levels, T], "metadata": {...}}}.
 *
 * <p>The pickle is read by a strict stack machine that knows only the opcodes numpy and the pickler emit
 * for such files and only these globals: {@code numpy.core.multiarray._reconstruct},
 * {@code numpy._core.multiarray._reconstruct}, {@code numpy.ndarray}, {@code numpy.dtype},
 * {@code _codecs.encode} (bytes at protocol 2) and {@code numpy.core.numeric._frombuffer} /
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
        Object root = new Unpickler(bytes, h.dataStart(), source).load();
        Object dict = root;
        if (root instanceof NdArray a) {
            if (!a.built || !a.dtype.kind().equals("O") || a.shape.length != 0 || a.objects == null || a.objects.size() != 1) {
                throw new ModelFormatException(source + ": the pickle holds an array of " + a.describe()
                        + ", not a 0-d object array");
            }
            dict = a.objects.getFirst();
        }
        if (!(dict instanceof Map<?, ?> map)) {
            throw new ModelFormatException(source + ": the pickle holds " + typeName(dict) + ", not a dict");
        }
        Object codes = map.get("codes");
        if (!(codes instanceof NdArray array) || !array.built) {
            throw new ModelFormatException(source + ": no \"codes\" array in the pickled dict (keys "
                    + map.keySet() + ")");
        }
        Object meta = map.containsKey("metadata") ? map.get("metadata") : Map.of();
        if (!(meta instanceof Map<?, ?> metaMap)) {
            throw new ModelFormatException(source + ": \"metadata\" is " + typeName(meta) + ", not a dict");
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

    private static String typeName(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof NdArray a) {
            return "an array of " + a.describe();
        }
        return "a " + switch (o) {
            case String s -> "str";
            case Long l -> "int";
            case BigInteger b -> "int";
            case Double d -> "float";
            case Boolean b -> "bool";
            case byte[] b -> "bytes";
            case Tuple t -> "tuple";
            case List<?> l -> "list";
            case Map<?, ?> m -> "dict";
            default -> o.getClass().getSimpleName();
        };
    }

    // ---- the unpickled object model ------------------------------------------------------------------------

    /** A Python tuple (kept apart from lists, which are mutable). */
    private record Tuple(Object[] items) {
        int size() {
            return items.length;
        }

        Object get(int i) {
            return items[i];
        }
    }

    /** One of the allowed globals. Never instantiated from file content; only compared. */
    private enum Global {
        RECONSTRUCT, NDARRAY, DTYPE, CODECS_ENCODE, FROMBUFFER;

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

        @Override
        public String toString() {
            return (order == '=' ? "" : String.valueOf(order)) + name;
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
            return !built ? "unknown dtype (never built)" : dtype + " " + Arrays.toString(shape);
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
                case Tuple t -> list(Arrays.asList(t.items()), depth);
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
                default -> throw new ModelFormatException(source + ": metadata holds " + typeName(o)
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

    // ---- the strict unpickler ------------------------------------------------------------------------------

    private static final class Unpickler {
        private static final Object MARK = new Object();
        private static final int MAX_GLOBAL_LINE = 128;
        private static final String[] NAMES = new String[256];

        static {
            String table = "(MARK .STOP 0POP 1POP_MARK 2DUP FFLOAT IINT JBININT KBININT1 LLONG MBININT2 NNONE"
                    + " PPERSID QBINPERSID RREDUCE SSTRING TBINSTRING USHORT_BINSTRING VUNICODE XBINUNICODE aAPPEND"
                    + " bBUILD cGLOBAL dDICT }EMPTY_DICT eAPPENDS gGET hBINGET iINST jLONG_BINGET lLIST ]EMPTY_LIST"
                    + " oOBJ pPUT qBINPUT rLONG_BINPUT sSETITEM tTUPLE )EMPTY_TUPLE uSETITEMS GBINFLOAT"
                    + " BBINBYTES CSHORT_BINBYTES";
            for (String entry : table.split(" ")) {
                NAMES[entry.charAt(0)] = entry.substring(1);
            }
            String[] high = {"PROTO", "NEWOBJ", "EXT1", "EXT2", "EXT4", "TUPLE1", "TUPLE2", "TUPLE3", "NEWTRUE",
                "NEWFALSE", "LONG1", "LONG4", "SHORT_BINUNICODE", "BINUNICODE8", "BINBYTES8", "EMPTY_SET",
                "ADDITEMS", "FROZENSET", "NEWOBJ_EX", "STACK_GLOBAL", "MEMOIZE", "FRAME", "BYTEARRAY8",
                "NEXT_BUFFER", "READONLY_BUFFER"};
            for (int i = 0; i < high.length; i++) {
                NAMES[0x80 + i] = high[i];
            }
        }

        private final byte[] raw;
        private final ByteBuffer le;
        private final int start;
        private final String source;
        private final ArrayList<Object> stack = new ArrayList<>();
        private final ArrayList<Integer> marks = new ArrayList<>();
        private final Map<Long, Object> memo = new java.util.HashMap<>();
        /** Bytes the machine may still materialise beyond the input (guards against memo amplification). */
        private long budget;
        private int pos;
        private int opAt;
        private int op;

        Unpickler(byte[] raw, int start, String source) {
            this.raw = raw;
            this.le = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
            this.start = start;
            this.pos = start;
            this.source = source;
            this.budget = 16L * (raw.length - start) + (1 << 20);
        }

        Object load() {
            if (pos >= raw.length || (raw[pos] & 0xff) != 0x80) {
                throw new ModelFormatException(source + ": the pickle at byte " + start
                        + " does not start with PROTO (protocol 2 or later required)");
            }
            while (true) {
                if (pos >= raw.length) {
                    throw fail("truncated pickle: no STOP opcode");
                }
                opAt = pos;
                op = raw[pos++] & 0xff;
                switch (op) {
                    case 0x80 -> { // PROTO
                        int proto = u8();
                        if (proto < 2 || proto > 5) {
                            throw fail("unsupported pickle protocol " + proto);
                        }
                    }
                    case 0x95 -> { // FRAME: only a hint for buffered readers
                        long n = le(8);
                        if (n < 0 || n > raw.length - pos) {
                            throw fail("frame of " + Long.toUnsignedString(n) + " bytes exceeds the "
                                    + (raw.length - pos) + " bytes left");
                        }
                    }
                    case '.' -> { // STOP
                        if (stack.size() != 1 || !marks.isEmpty()) {
                            throw fail("malformed pickle: STOP with " + stack.size() + " stack items");
                        }
                        if (pos != raw.length) {
                            throw fail((raw.length - pos) + " trailing bytes after STOP");
                        }
                        Object result = stack.getFirst();
                        if (result == MARK) {
                            throw fail("malformed pickle: STOP on a MARK");
                        }
                        return result;
                    }
                    case 'c' -> { // GLOBAL
                        String module = line();
                        String name = line();
                        push(global(module, name));
                    }
                    case 0x93 -> { // STACK_GLOBAL
                        Object name = pop();
                        Object module = pop();
                        if (!(module instanceof String m) || !(name instanceof String n)) {
                            throw fail("STACK_GLOBAL needs two strings");
                        }
                        push(global(m, n));
                    }
                    case '(' -> marks.add(stack.size());
                    case 't' -> push(new Tuple(popMark().toArray()));
                    case ')' -> push(new Tuple(new Object[0]));
                    case 0x85 -> push(new Tuple(new Object[] {pop()}));
                    case 0x86 -> {
                        Object b = pop();
                        Object a = pop();
                        push(new Tuple(new Object[] {a, b}));
                    }
                    case 0x87 -> {
                        Object c = pop();
                        Object b = pop();
                        Object a = pop();
                        push(new Tuple(new Object[] {a, b, c}));
                    }
                    case ']' -> push(new ArrayList<>());
                    case '}' -> push(new LinkedHashMap<>());
                    case 'a' -> {
                        Object item = pop();
                        list(top()).add(item);
                    }
                    case 'e' -> {
                        List<Object> items = popMark();
                        list(top()).addAll(items);
                    }
                    case 's' -> {
                        Object value = pop();
                        Object key = pop();
                        dict(top()).put(key(key), value);
                    }
                    case 'u' -> {
                        List<Object> items = popMark();
                        if (items.size() % 2 != 0) {
                            throw fail("SETITEMS with an odd number of items");
                        }
                        Map<Object, Object> d = dict(top());
                        for (int i = 0; i < items.size(); i += 2) {
                            d.put(key(items.get(i)), items.get(i + 1));
                        }
                    }
                    case 'q' -> memo.put((long) u8(), top());
                    case 'r' -> memo.put(u32(), top());
                    case 0x94 -> memo.put((long) memo.size(), top());
                    case 'h' -> push(memoGet(u8()));
                    case 'j' -> push(memoGet(u32()));
                    case 'K' -> push((long) u8());
                    case 'M' -> push(le(2));
                    case 'J' -> push((long) (int) le(4));
                    case 0x8a -> { // LONG1
                        int n = u8();
                        byte[] b = take(n);
                        if (n == 0) {
                            push(0L);
                        } else {
                            byte[] be = new byte[n];
                            for (int i = 0; i < n; i++) {
                                be[i] = b[n - 1 - i];
                            }
                            BigInteger v = new BigInteger(be);
                            push(v.bitLength() < 64 ? (Object) v.longValue() : v);
                        }
                    }
                    case 'G' -> {
                        need(8);
                        double d = ByteBuffer.wrap(raw, pos, 8).order(ByteOrder.BIG_ENDIAN).getDouble();
                        pos += 8;
                        push(d);
                    }
                    case 0x8c -> push(utf8(take(u8())));
                    case 'X' -> push(utf8(take(length(u32()))));
                    case 0x8d -> push(utf8(take(length(le(8)))));
                    case 'C' -> push(take(u8()));
                    case 'B' -> push(take(length(u32())));
                    case 0x8e, 0x96 -> push(take(length(le(8)))); // BINBYTES8, BYTEARRAY8 (kept as bytes)
                    case 'N' -> push(null);
                    case 0x88 -> push(Boolean.TRUE);
                    case 0x89 -> push(Boolean.FALSE);
                    case 'R' -> {
                        Object args = pop();
                        Object callable = pop();
                        if (!(args instanceof Tuple t)) {
                            throw fail("REDUCE arguments are not a tuple");
                        }
                        push(reduce(callable, t));
                    }
                    case 'b' -> {
                        Object state = pop();
                        build(top(), state);
                    }
                    default -> throw fail("opcode is not allowed in an .enc file");
                }
            }
        }

        private Object global(String module, String name) {
            Global g = Global.of(module, name);
            if (g == null) {
                throw fail("global '" + module + " " + name + "' is not allowed");
            }
            return g;
        }

        private Object reduce(Object callable, Tuple args) {
            if (!(callable instanceof Global g)) {
                throw fail("REDUCE on " + typeName(callable) + ", which is not callable here");
            }
            switch (g) {
                case RECONSTRUCT -> {
                    // _reconstruct(ndarray, (0,), b'b'): an empty array that BUILD fills in
                    if (args.size() != 3 || args.get(0) != Global.NDARRAY) {
                        throw fail("_reconstruct must be called on numpy.ndarray");
                    }
                    return new NdArray();
                }
                case DTYPE -> {
                    if (args.size() < 1 || !(args.get(0) instanceof String name) || name.length() > 16) {
                        throw fail("numpy.dtype needs a type name");
                    }
                    return new DType(name);
                }
                case CODECS_ENCODE -> {
                    if (args.size() != 2 || !(args.get(0) instanceof String text)
                            || !"latin1".equals(args.get(1)) && !"latin-1".equals(args.get(1))) {
                        throw fail("_codecs.encode is only allowed as encode(str, 'latin1')");
                    }
                    charge(text.length());
                    byte[] out = new byte[text.length()];
                    for (int i = 0; i < out.length; i++) {
                        char c = text.charAt(i);
                        if (c > 0xff) {
                            throw fail("_codecs.encode: character U+" + Integer.toHexString(c)
                                    + " is not latin-1");
                        }
                        out[i] = (byte) c;
                    }
                    return out;
                }
                case FROMBUFFER -> {
                    // _frombuffer(buffer, dtype, shape, order), protocol 5
                    if (args.size() != 4 || !(args.get(0) instanceof byte[] buffer) || !(args.get(1) instanceof DType dt)
                            || !(args.get(2) instanceof Tuple shape)) {
                        throw fail("_frombuffer needs (bytes, dtype, shape, order)");
                    }
                    if (!"C".equals(args.get(3))) {
                        throw fail("only C-order arrays are supported (order " + args.get(3) + ")");
                    }
                    NdArray a = new NdArray();
                    fill(a, shape(shape), dt, buffer);
                    return a;
                }
                default -> throw fail(g + " is not callable here");
            }
        }

        private void build(Object target, Object state) {
            if (!(state instanceof Tuple t)) {
                throw fail("BUILD state is not a tuple");
            }
            switch (target) {
                case DType dt when !dt.built -> {
                    // (version, byteorder, subdescr, names, fields, elsize, alignment, flags[, metadata])
                    if (t.size() < 8 || !(t.get(1) instanceof String order) || order.length() != 1) {
                        throw fail("unreadable numpy.dtype state");
                    }
                    if (t.get(2) != null || t.get(3) != null || t.get(4) != null) {
                        throw fail("structured or sub-array dtypes are not supported");
                    }
                    dt.order = order.charAt(0);
                    dt.built = true;
                }
                case NdArray a when !a.built -> {
                    // (version, shape, dtype, is_fortran, data)
                    if (t.size() != 5 || !(t.get(1) instanceof Tuple shape) || !(t.get(2) instanceof DType dt)
                            || !(t.get(3) instanceof Boolean fortran)) {
                        throw fail("unreadable numpy.ndarray state");
                    }
                    if (fortran) {
                        throw fail("Fortran-order arrays are not supported");
                    }
                    int[] dims = shape(shape);
                    if (dt.kind().equals("O")) {
                        if (!(t.get(4) instanceof List<?> items)) {
                            throw fail("object array state without a list of items");
                        }
                        long count = NpyArray.elements(dims, source);
                        if (items.size() != count) {
                            throw fail("object array of shape " + Arrays.toString(dims) + " holds " + items.size()
                                    + " items");
                        }
                        a.shape = dims;
                        a.dtype = dt;
                        a.objects = new ArrayList<>(items);
                        a.built = true;
                    } else {
                        if (!(t.get(4) instanceof byte[] data)) {
                            throw fail("array state without raw bytes");
                        }
                        fill(a, dims, dt, data);
                    }
                }
                case null, default -> throw fail("BUILD on " + typeName(target) + " is not allowed");
            }
        }

        private void fill(NdArray a, int[] dims, DType dt, byte[] data) {
            int width = dt.width();
            String kind = dt.kind();
            if (!dt.built) {
                throw fail("dtype " + dt.name + " has no state");
            }
            if (kind.isEmpty() || !NpyArray.supported(kind.charAt(0), width)) {
                throw fail("arrays of dtype " + dt + " are not supported");
            }
            if (dt.order == '>' && width > 1) {
                throw fail("big-endian arrays (dtype " + dt + ") are not supported");
            }
            long count = NpyArray.elements(dims, source);
            if (count * width != data.length) {
                throw fail("array of " + dt + " " + Arrays.toString(dims) + " needs " + count * width
                        + " bytes, the pickle has " + data.length);
            }
            charge(count * 8);
            a.shape = dims;
            a.dtype = dt;
            a.data = data;
            a.built = true;
        }

        private int[] shape(Tuple t) {
            int[] dims = new int[t.size()];
            if (dims.length > 32) {
                throw fail("array has " + dims.length + " dimensions");
            }
            for (int i = 0; i < dims.length; i++) {
                if (!(t.get(i) instanceof Long n) || n < 0 || n > Integer.MAX_VALUE) {
                    throw fail("bad array dimension " + t.get(i));
                }
                dims[i] = (int) (long) n;
            }
            return dims;
        }

        // ---- stack, memo and reading ----

        private void push(Object o) {
            stack.add(o);
        }

        private Object pop() {
            if (stack.isEmpty() || (!marks.isEmpty() && marks.getLast() == stack.size())) {
                throw fail("malformed pickle: stack underflow");
            }
            return stack.removeLast();
        }

        private Object top() {
            if (stack.isEmpty() || (!marks.isEmpty() && marks.getLast() == stack.size())) {
                throw fail("malformed pickle: stack underflow");
            }
            return stack.getLast();
        }

        private List<Object> popMark() {
            if (marks.isEmpty()) {
                throw fail("malformed pickle: no MARK");
            }
            int at = marks.removeLast();
            List<Object> items = new ArrayList<>(stack.subList(at, stack.size()));
            stack.subList(at, stack.size()).clear();
            return items;
        }

        @SuppressWarnings("unchecked")
        private List<Object> list(Object o) {
            if (!(o instanceof ArrayList<?> l)) {
                throw fail("APPEND to " + typeName(o) + ", not a list");
            }
            return (List<Object>) l;
        }

        @SuppressWarnings("unchecked")
        private Map<Object, Object> dict(Object o) {
            if (!(o instanceof LinkedHashMap<?, ?> m)) {
                throw fail("SETITEM on " + typeName(o) + ", not a dict");
            }
            return (Map<Object, Object>) m;
        }

        private Object key(Object k) {
            if (k == null || k instanceof String || k instanceof Long || k instanceof BigInteger
                    || k instanceof Double || k instanceof Boolean) {
                return k;
            }
            throw fail("dict key " + typeName(k) + " is not supported");
        }

        private Object memoGet(long index) {
            if (!memo.containsKey(index)) {
                throw fail("memo entry " + index + " is not set");
            }
            return memo.get(index);
        }

        private void charge(long bytes) {
            budget -= bytes;
            if (budget < 0) {
                throw fail("the pickle expands to far more data than the file holds");
            }
        }

        private int u8() {
            need(1);
            return raw[pos++] & 0xff;
        }

        /** Reads an {@code n}-byte little-endian integer ({@code n} = 2, 4 or 8; 2 is unsigned). */
        private long le(int n) {
            need(n);
            long v = switch (n) {
                case 2 -> Short.toUnsignedInt(le.getShort(pos));
                case 4 -> le.getInt(pos);
                default -> le.getLong(pos);
            };
            pos += n;
            return v;
        }

        private long u32() {
            return Integer.toUnsignedLong((int) le(4));
        }

        /** A length read from the file, checked against the bytes left. */
        private int length(long n) {
            if (n < 0 || n > raw.length - pos) {
                throw fail("truncated pickle or bad length: length " + Long.toUnsignedString(n) + " exceeds the " + (raw.length - pos)
                        + " bytes left");
            }
            return (int) n;
        }

        private byte[] take(int n) {
            need(n);
            byte[] b = Arrays.copyOfRange(raw, pos, pos + n);
            pos += n;
            return b;
        }

        private void need(int n) {
            if (n > raw.length - pos) {
                throw fail("truncated pickle: needs " + n + " more bytes, " + (raw.length - pos) + " left");
            }
        }

        private String line() {
            int limit = Math.min(raw.length, pos + MAX_GLOBAL_LINE);
            for (int i = pos; i < limit; i++) {
                if (raw[i] == '\n') {
                    String s = new String(raw, pos, i - pos, StandardCharsets.US_ASCII);
                    pos = i + 1;
                    return s;
                }
            }
            throw fail("GLOBAL name is unterminated or longer than " + MAX_GLOBAL_LINE + " bytes");
        }

        private String utf8(byte[] b) {
            try {
                CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
                return chars.toString();
            } catch (CharacterCodingException e) {
                throw fail("string is not valid UTF-8");
            }
        }

        private ModelFormatException fail(String why) {
            String name = NAMES[op] != null ? NAMES[op] : String.format("0x%02x", op);
            return new ModelFormatException(source + ": pickle opcode " + name + " at byte " + opAt
                    + " (pickle offset " + (opAt - start) + "): " + why);
        }
    }
}

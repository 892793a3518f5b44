package valle.kit.io;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import valle.api.Experimental;
import valle.api.ModelFormatException;

/**
 * The one strict pickle machine of valle: it reads pickles of protocol 2 to 5 as data, and builds only what its
 * caller's {@link PickleGlobals} allow. It knows the opcodes that pickles of plain data use (tuples, lists,
 * dicts, strings, bytes, integers, floats, booleans, {@code None}, the memo, marks and frames) and hands every
 * {@code GLOBAL}, {@code STACK_GLOBAL}, {@code REDUCE}, {@code BUILD} and {@code BINPERSID} to the caller's
 * globals; nothing is ever looked up or instantiated by name. Any other opcode ({@code INST}, {@code OBJ},
 * {@code NEWOBJ}, {@code EXT*}, sets, text-protocol opcodes...) is refused, as are truncated pickles, lengths
 * past the end, memo entries never stored, stack underflows, trailing bytes after {@code STOP}, and pickles that
 * would materialise far more data than they hold. Every refusal is a {@link ModelFormatException} naming the
 * source, the opcode and its offset.
 *
 * <p>Values: {@code String}, {@code Long} ({@code BigInteger} beyond 64 bits), {@code Double}, {@code Boolean},
 * {@code null}, {@code byte[]}, {@link PickleTuple}, {@code ArrayList} and {@code LinkedHashMap} (with keys of
 * those scalar kinds), and whatever the caller's globals make. One instance reads one pickle.
 */
@Experimental("the hooks a caller gives (PickleGlobals) may still grow as more pickled formats are read")
public final class Unpickler {
    /** {@code GLOBAL}'s module and name lines are short; a longer one is not a real pickle. */
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
    private final PickleGlobals globals;
    private final ArrayList<Object> stack = new ArrayList<>();
    private final ArrayList<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    /** Bytes the machine may still materialise beyond the input (guards against memo amplification). */
    private long budget;
    private int pos;
    private int opAt;
    private int op;

    private Unpickler(byte[] raw, int start, String source, PickleGlobals globals) {
        this.raw = raw;
        this.le = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        this.start = start;
        this.pos = start;
        this.source = source;
        this.globals = globals;
        this.budget = 16L * (raw.length - start) + (1 << 20);
    }

    /**
     * Reads the pickle that fills {@code raw} from {@code start} to its end.
     *
     * @param source what the bytes are, for error messages (the file name)
     * @param globals what the pickle may build
     * @return the object {@code STOP} leaves
     * @throws ModelFormatException naming the source, the opcode and its offset
     */
    public static Object load(byte[] raw, int start, String source, PickleGlobals globals) {
        Objects.checkIndex(start, raw.length + 1);
        return new Unpickler(raw, start, source, Objects.requireNonNull(globals, "globals")).run();
    }

    /**
     * The refusal of the opcode being read, for {@code why}: {@code "x.enc: pickle opcode REDUCE at byte 130
     * (pickle offset 2): why"} (the pickle offset only where the pickle does not start the bytes).
     */
    public ModelFormatException fail(String why) {
        String name = NAMES[op] != null ? NAMES[op] : String.format("0x%02x", op);
        String offset = start == 0 ? "" : " (pickle offset " + (opAt - start) + ")";
        return new ModelFormatException(source + ": pickle opcode " + name + " at byte " + opAt + offset + ": " + why);
    }

    /**
     * Records that a global is about to materialise {@code bytes} (an array, a decoded buffer), and refuses the
     * pickle once it would have made far more than it holds (16 times its size, plus 1 MiB).
     */
    public void charge(long bytes) {
        budget -= bytes;
        if (budget < 0) {
            throw fail("the pickle expands to far more data than the file holds");
        }
    }

    /** How a message names a value: {@code "None"}, {@code "a str"}, {@code "a dict"}, ...; other objects by {@code toString}. */
    public static String describe(Object o) {
        return switch (o) {
            case null -> "None";
            case String s -> "a str";
            case Long l -> "an int";
            case BigInteger b -> "an int";
            case Double d -> "a float";
            case Boolean b -> "a bool";
            case byte[] b -> "bytes";
            case PickleTuple t -> "a tuple";
            case List<?> l -> "a list";
            case Map<?, ?> m -> "a dict";
            default -> o.toString();
        };
    }

    private Object run() {
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
                    return stack.getFirst();
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
                case 't' -> push(new PickleTuple(popMark()));
                case ')' -> push(PickleTuple.of());
                case 0x85 -> push(PickleTuple.of(pop()));
                case 0x86 -> {
                    Object b = pop();
                    Object a = pop();
                    push(PickleTuple.of(a, b));
                }
                case 0x87 -> {
                    Object c = pop();
                    Object b = pop();
                    Object a = pop();
                    push(PickleTuple.of(a, b, c));
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
                case 0x8a -> push(long1());
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
                case 'Q' -> push(globals.persistent(pop(), this));
                case 'R' -> {
                    Object args = pop();
                    Object callable = pop();
                    if (!(args instanceof PickleTuple t)) {
                        throw fail("REDUCE arguments are not a tuple");
                    }
                    push(globals.reduce(callable, t, this));
                }
                case 'b' -> {
                    Object state = pop();
                    globals.build(top(), state, this);
                }
                default -> throw fail("opcode is not allowed in " + globals.kind());
            }
        }
    }

    private Object global(String module, String name) {
        Object g = globals.global(module, name);
        if (g == null) {
            throw fail("global '" + module + "." + name + "' is not allowed in " + globals.kind());
        }
        return g;
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
            throw fail("APPEND to " + describe(o) + ", not a list");
        }
        return (List<Object>) l;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o) {
        if (!(o instanceof LinkedHashMap<?, ?> m)) {
            throw fail("SETITEM on " + describe(o) + ", not a dict");
        }
        return (Map<Object, Object>) m;
    }

    private Object key(Object k) {
        if (k == null || k instanceof String || k instanceof Long || k instanceof BigInteger
                || k instanceof Double || k instanceof Boolean) {
            return k;
        }
        throw fail("dict key " + describe(k) + " is not supported");
    }

    private Object memoGet(long index) {
        if (!memo.containsKey(index)) {
            throw fail("memo entry " + index + " is not set");
        }
        return memo.get(index);
    }

    /** LONG1: a little-endian two's-complement integer of up to 255 bytes. */
    private Object long1() {
        int n = u8();
        byte[] b = take(n);
        if (n == 0) {
            return 0L;
        }
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) {
            be[i] = b[n - 1 - i];
        }
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
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
            throw fail("truncated pickle or bad length: length " + Long.toUnsignedString(n) + " exceeds the "
                    + (raw.length - pos) + " bytes left");
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
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw fail("string is not valid UTF-8");
        }
    }
}

package valle.codec.io;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import valle.api.ModelFormatException;

/**
 * A strict pickle machine for the {@code data.pkl} of a {@code torch.save} archive holding a state dict: a
 * {@code dict} or {@code collections.OrderedDict} (its {@code _metadata} attribute is accepted and dropped) of
 * names to tensors rebuilt by {@code torch._utils._rebuild_tensor_v2} (or wrapped by
 * {@code _rebuild_parameter}) from persistent storage ids {@code ('storage', torch.<Type>Storage, key,
 * location, numel)}. Only those globals and the opcodes that protocols 2 to 4 use for such data are known;
 * nothing is ever instantiated by name. Anything else is refused with a {@link ModelFormatException} naming
 * the source, the opcode and its offset.
 */
final class StateDictUnpickler {
    private static final Object MARK = new Object();

    /** A persistent storage reference; its bytes are found by {@code key} in the archive. */
    record Storage(String type, String key, long numel) {
    }

    /** A tensor as pickled: a strided view of a storage. */
    record TensorRef(Storage storage, long offset, int[] size, long[] stride) {
    }

    /** A Python tuple (immutable; kept apart from lists). */
    private record Tuple(Object[] items) {
    }

    /** The globals a state dict may name. Compared, never instantiated from file content. */
    private enum Global {
        ORDERED_DICT, REBUILD_TENSOR_V2, REBUILD_PARAMETER
    }

    /** A storage type named by {@code GLOBAL torch <Type>Storage}. */
    private record StorageType(String name) {
    }

    private final byte[] raw;
    private final String source;
    private final ArrayList<Object> stack = new ArrayList<>();
    private final ArrayList<Integer> marks = new ArrayList<>();
    private final Map<Long, Object> memo = new HashMap<>();
    private int pos;
    private int opAt;
    private int op;

    private StateDictUnpickler(byte[] raw, String source) {
        this.raw = raw;
        this.source = source;
    }

    /** The tensors of the pickled state dict, by name, in file order. */
    static Map<String, TensorRef> load(byte[] pickle, String source) {
        Object root = new StateDictUnpickler(pickle, source).run();
        if (!(root instanceof Map<?, ?> dict)) {
            throw new ModelFormatException(source + ": the checkpoint holds " + describe(root) + ", not a state dict");
        }
        Map<String, TensorRef> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (!(e.getKey() instanceof String name) || !(e.getValue() instanceof TensorRef t)) {
                throw new ModelFormatException(source + ": the checkpoint's entry " + e.getKey() + " is "
                        + describe(e.getValue()) + ", not a tensor (a state dict holds tensors only; nested"
                        + " checkpoints such as {'model': ...} are not supported)");
            }
            out.put(name, t);
        }
        return out;
    }

    private Object run() {
        if (raw.length < 2 || (raw[0] & 0xff) != 0x80) {
            throw new ModelFormatException(source + ": data.pkl does not start with a pickle PROTO opcode");
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
                    if (proto < 2 || proto > 4) {
                        throw fail("unsupported pickle protocol " + proto);
                    }
                }
                case 0x95 -> le(8); // FRAME: a hint for buffered readers
                case '.' -> { // STOP
                    if (stack.size() != 1 || !marks.isEmpty()) {
                        throw fail("malformed pickle: STOP with " + stack.size() + " stack items");
                    }
                    return stack.getFirst();
                }
                case 'c' -> push(global(line(), line())); // GLOBAL
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
                    push(new Tuple(new Object[] {pop(), b}));
                }
                case 0x87 -> {
                    Object c = pop();
                    Object b = pop();
                    push(new Tuple(new Object[] {pop(), b, c}));
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
                case 'r' -> memo.put(le(4), top());
                case 0x94 -> memo.put((long) memo.size(), top());
                case 'h' -> push(memoGet(u8()));
                case 'j' -> push(memoGet(le(4)));
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
                case 0x8c -> push(utf8(u8())); // SHORT_BINUNICODE
                case 'X' -> push(utf8(length(le(4)))); // BINUNICODE
                case 'N' -> push(null);
                case 0x88 -> push(Boolean.TRUE);
                case 0x89 -> push(Boolean.FALSE);
                case 'Q' -> push(persistent(pop())); // BINPERSID
                case 'R' -> { // REDUCE
                    Object args = pop();
                    Object callable = pop();
                    if (!(args instanceof Tuple t)) {
                        throw fail("REDUCE arguments are not a tuple");
                    }
                    push(reduce(callable, t.items()));
                }
                case 'b' -> { // BUILD
                    Object state = pop();
                    build(top(), state);
                }
                default -> throw fail("opcode is not allowed in a state-dict checkpoint");
            }
        }
    }

    private Object global(String module, String name) {
        switch (module + " " + name) {
            case "collections OrderedDict" -> {
                return Global.ORDERED_DICT;
            }
            case "torch._utils _rebuild_tensor_v2" -> {
                return Global.REBUILD_TENSOR_V2;
            }
            case "torch._utils _rebuild_parameter" -> {
                return Global.REBUILD_PARAMETER;
            }
            default -> {
                if (module.equals("torch") && TorchCheckpoint.storageWidth(name) > 0) {
                    return new StorageType(name);
                }
                throw fail("global '" + module + "." + name + "' is not allowed in a state-dict checkpoint");
            }
        }
    }

    private Object persistent(Object pid) {
        if (!(pid instanceof Tuple t) || t.items().length != 5 || !"storage".equals(t.items()[0])
                || !(t.items()[1] instanceof StorageType type) || !(t.items()[2] instanceof String key)
                || !(t.items()[4] instanceof Long numel) || numel < 0) {
            throw fail("persistent id is not ('storage', <type>, key, location, numel)");
        }
        return new Storage(type.name(), key, numel);
    }

    private Object reduce(Object callable, Object[] args) {
        if (!(callable instanceof Global g)) {
            throw fail("REDUCE on " + describe(callable) + ", which is not callable here");
        }
        return switch (g) {
            case ORDERED_DICT -> {
                if (args.length != 0) {
                    throw fail("OrderedDict() takes no arguments here");
                }
                yield new LinkedHashMap<>();
            }
            case REBUILD_PARAMETER -> {
                if (args.length < 1 || !(args[0] instanceof TensorRef t)) {
                    throw fail("_rebuild_parameter needs a tensor");
                }
                yield t;
            }
            case REBUILD_TENSOR_V2 -> {
                // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
                if (args.length < 6 || args.length > 7 || !(args[0] instanceof Storage s) || !(args[1] instanceof Long offset)
                        || !(args[2] instanceof Tuple size) || !(args[3] instanceof Tuple stride)
                        || size.items().length != stride.items().length) {
                    throw fail("_rebuild_tensor_v2 needs (storage, offset, size, stride, requires_grad, hooks)");
                }
                if (args[5] instanceof Map<?, ?> hooks && !hooks.isEmpty()) {
                    throw fail("tensors with backward hooks are not supported");
                }
                int[] dims = new int[size.items().length];
                long[] strides = new long[dims.length];
                for (int i = 0; i < dims.length; i++) {
                    if (!(size.items()[i] instanceof Long d) || d < 0 || d > Integer.MAX_VALUE
                            || !(stride.items()[i] instanceof Long st) || st < 0) {
                        throw fail("bad tensor size or stride");
                    }
                    dims[i] = (int) (long) d;
                    strides[i] = st;
                }
                yield new TensorRef(s, offset, dims, strides);
            }
        };
    }

    private void build(Object target, Object state) {
        // OrderedDict state: {'_metadata': OrderedDict of per-module versions}; it matters to PyTorch only
        if (target instanceof Map<?, ?> && state instanceof Map<?, ?> s && s.keySet().stream().allMatch("_metadata"::equals)) {
            return;
        }
        throw fail("BUILD on " + describe(target) + " with " + describe(state) + " is not allowed");
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
        int m = marks.removeLast();
        List<Object> items = new ArrayList<>(stack.subList(m, stack.size()));
        stack.subList(m, stack.size()).clear();
        return items;
    }

    private Object memoGet(long key) {
        if (!memo.containsKey(key)) {
            throw fail("memo key " + key + " was never stored");
        }
        return memo.get(key);
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o) {
        if (!(o instanceof ArrayList<?>)) {
            throw fail("APPEND on " + describe(o));
        }
        return (List<Object>) o;
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o) {
        if (!(o instanceof LinkedHashMap<?, ?>)) {
            throw fail("SETITEM on " + describe(o));
        }
        return (Map<Object, Object>) o;
    }

    private Object key(Object k) {
        if (k == null || k instanceof String || k instanceof Long || k instanceof Boolean) {
            return k;
        }
        throw fail("dict key " + describe(k) + " is not supported");
    }

    private Object long1() {
        int n = u8();
        need(n);
        if (n == 0) {
            return 0L;
        }
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) {
            be[i] = raw[pos + n - 1 - i];
        }
        pos += n;
        BigInteger v = new BigInteger(be);
        if (v.bitLength() >= 64) {
            throw fail("integer " + v + " is out of range");
        }
        return v.longValue();
    }

    private String line() {
        int end = pos;
        while (end < raw.length && raw[end] != '\n' && end - pos < 256) {
            end++;
        }
        if (end >= raw.length || raw[end] != '\n') {
            throw fail("GLOBAL name too long or unterminated");
        }
        String s = new String(raw, pos, end - pos, StandardCharsets.US_ASCII);
        pos = end + 1;
        return s;
    }

    private String utf8(int n) {
        need(n);
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw, pos, n)).toString();
            pos += n;
            return s;
        } catch (CharacterCodingException e) {
            throw fail("string is not UTF-8");
        }
    }

    private int length(long n) {
        if (n < 0 || n > raw.length - pos) {
            throw fail("length " + n + " runs past the end of the pickle");
        }
        return (int) n;
    }

    private int u8() {
        need(1);
        return raw[pos++] & 0xff;
    }

    private long le(int n) {
        need(n);
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = v << 8 | (raw[pos + i] & 0xff);
        }
        pos += n;
        return v;
    }

    private void need(int n) {
        if (pos + n > raw.length) {
            throw fail("truncated pickle");
        }
    }

    private ModelFormatException fail(String what) {
        String name = op < 0x20 || op > 0x7e ? String.format("0x%02x", op) : "'" + (char) op + "'";
        return new ModelFormatException(source + ": data.pkl opcode " + name + " at byte " + opAt + ": " + what);
    }

    private static String describe(Object o) {
        return switch (o) {
            case null -> "None";
            case String s -> "a str";
            case Long l -> "an int";
            case Double d -> "a float";
            case Boolean b -> "a bool";
            case Tuple t -> "a tuple";
            case List<?> l -> "a list";
            case Map<?, ?> m -> "a dict";
            case TensorRef t -> "a tensor";
            case Storage s -> "a storage";
            default -> o.toString();
        };
    }
}

package valle.kit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import valle.api.ModelFormatException;

/** The machine alone, with a caller that allows one global, {@code test.pair(a, b)}, which makes a tuple. */
class UnpicklerTest {

    /** Allows {@code test.pair} and nothing else. */
    private static final PickleGlobals PAIR = new PickleGlobals() {
        private final Object pair = new Object() {
            @Override
            public String toString() {
                return "test.pair";
            }
        };

        @Override
        public String kind() {
            return "a test pickle";
        }

        @Override
        public Object global(String module, String name) {
            return module.equals("test") && name.equals("pair") ? pair : null;
        }

        @Override
        public Object reduce(Object callable, PickleTuple args, Unpickler at) {
            if (callable != pair || args.size() != 2) {
                throw at.fail("REDUCE on " + Unpickler.describe(callable) + ", which is not callable here");
            }
            at.charge(1000);
            return args;
        }

        @Override
        public void build(Object target, Object state, Unpickler at) {
            throw at.fail("BUILD on " + Unpickler.describe(target) + " is not allowed");
        }
    };

    @Test
    void readsPlainData() {
        // {'a': [1, 300, -2, 2**70, 1.5, None, True, b'xy', ('s',)]} at protocol 4 with a frame and the memo
        Pickle p = new Pickle().op(0x80, 4).op(0x95).le(0, 8).op('}').op(0x94).str8("a").op(']').op(0x94).op('(')
                .op('K', 1).op('M', 0x2c, 1).op('J', 0xfe, 0xff, 0xff, 0xff).op(0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0x40)
                .op('G', 0x3f, 0xf8, 0, 0, 0, 0, 0, 0).op('N').op(0x88).op('C', 2, 'x', 'y').str8("s").op(0x85)
                .op('e').op('s').op('.');
        Map<?, ?> root = (Map<?, ?>) Unpickler.load(p.bytes(), 0, "t.pkl", PAIR);
        List<?> a = (List<?>) root.get("a");
        assertEquals(List.of(1L, 300L, -2L, BigInteger.TWO.pow(70), 1.5), a.subList(0, 5));
        assertEquals(null, a.get(5));
        assertEquals(true, a.get(6));
        assertArrayEquals(new byte[] {'x', 'y'}, (byte[]) a.get(7));
        assertEquals(PickleTuple.of("s"), a.get(8));
    }

    @Test
    void buildsWhatTheCallersGlobalsAllow() {
        Pickle p = new Pickle().op(0x80, 2).global("test", "pair").op('K', 1).op('K', 2).op(0x86).op('R').op('.');
        assertEquals(PickleTuple.of(1L, 2L), Unpickler.load(p.bytes(), 0, "t.pkl", PAIR));
    }

    @Test
    void refusesOtherGlobalsNamingThemTheOpcodeAndItsOffset() {
        Pickle p = new Pickle().op(0x80, 2).global("os", "system");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Unpickler.load(p.bytes(), 0, "t.pkl", PAIR));
        assertEquals("t.pkl: pickle opcode GLOBAL at byte 2: global 'os.system' is not allowed in a test pickle",
                e.getMessage());
        Pickle q = new Pickle().op(0x80, 4).str8("builtins").str8("eval").op(0x93);
        refused(q, "STACK_GLOBAL", "'builtins.eval'");
    }

    @Test
    void namesThePickleOffsetWhereThePickleDoesNotStartTheBytes() {
        byte[] p = new Pickle().op(0, 0, 0).op(0x80, 2).op('i').bytes();
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Unpickler.load(p, 3, "x.enc", PAIR));
        assertEquals("x.enc: pickle opcode INST at byte 5 (pickle offset 2): opcode is not allowed in a test pickle",
                e.getMessage());
    }

    @Test
    void refusesObjectBuildingAndUnknownOpcodes() {
        for (int op : new int[] {'i', 'o', 0x81, 0x92, 'P', 'Q', 0x82, 'S', 0x8b, 0x8f, 0x97, 0xf0}) {
            refused(new Pickle().op(0x80, 3).op(')').op(op).op('.'), "at byte 3", "not allowed");
        }
        refused(new Pickle().op(0x80, 3).op(0xff), "0xff");
    }

    @Test
    void refusesMalformedPickles() {
        refused(new Pickle().op('}').op('.'), "does not start with PROTO");
        refused(new Pickle().op(0x80, 1).op('}').op('.'), "protocol 1");
        refused(new Pickle().op(0x80, 2).op('}'), "no STOP");
        refused(new Pickle().op(0x80, 2).op('}').op('.').op('.'), "1 trailing bytes after STOP");
        refused(new Pickle().op(0x80, 2).op('.'), "STOP with 0 stack items");
        refused(new Pickle().op(0x80, 2).op('(').op('a'), "stack underflow");
        refused(new Pickle().op(0x80, 2).op('t'), "no MARK");
        refused(new Pickle().op(0x80, 2).op('}').op('h', 3), "memo entry 3 is not set");
        refused(new Pickle().op(0x80, 2).op(')').op(']').op('b'), "BUILD on a tuple");
        refused(new Pickle().op(0x80, 2).op(')').op('K', 1).op('a'), "APPEND to a tuple, not a list");
        refused(new Pickle().op(0x80, 2).op('}').op(')').op('K', 1).op('s'), "dict key a tuple");
        refused(new Pickle().op(0x80, 2).op('K', 1).op(')').op('R'), "REDUCE on an int, which is not callable here");
        refused(new Pickle().op(0x80, 2).op(0x8c, 2, 0xc3, 0x28), "not valid UTF-8");
        refused(new Pickle().op(0x80, 2).op('c').op("a".repeat(200).getBytes(StandardCharsets.US_ASCII)), "GLOBAL name");
    }

    @Test
    void refusesLengthsPastTheEndAndTruncations() {
        refused(new Pickle().op(0x80, 2).op('X', 0xff, 0xff, 0xff, 0x7f), "length 2147483647", "bytes left");
        refused(new Pickle().op(0x80, 4).op(0x8e).le(-1, 8), "BINBYTES8", "bytes left");
        refused(new Pickle().op(0x80, 4).op(0x95).le(1 << 20, 8), "FRAME", "exceeds");
        refused(new Pickle().op(0x80, 2).op('J', 1, 2), "truncated pickle: needs 4 more bytes, 2 left");
    }

    @Test
    void refusesPicklesThatExpandFarBeyondTheirSize() {
        // the same call, memoised and fetched again and again: each fetch charges what it would materialise
        Pickle p = new Pickle().op(0x80, 2).global("test", "pair").op('q', 0).op(']');
        for (int i = 0; i < 2000; i++) {
            p.op('h', 0).op('K', 1).op('K', 2).op(0x86).op('R').op('a');
        }
        refused(p, "expands");
    }

    private static void refused(Pickle p, String... fragments) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Unpickler.load(p.bytes(), 0, "t.pkl", PAIR));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' not in: " + e.getMessage());
        }
        assertTrue(e.getMessage().startsWith("t.pkl: "), e.getMessage());
    }

    /** A pickle written opcode by opcode. */
    private static final class Pickle {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Pickle op(int... bytes) {
            for (int b : bytes) {
                out.write(b);
            }
            return this;
        }

        Pickle op(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        /** {@code value} as {@code n} little-endian bytes. */
        Pickle le(long value, int n) {
            for (int i = 0; i < n; i++) {
                out.write((int) (value >>> (8 * i)));
            }
            return this;
        }

        Pickle global(String module, String name) {
            out.write('c');
            return op((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        }

        /** SHORT_BINUNICODE. */
        Pickle str8(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return op(0x8c, b.length).op(b);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}

package valle.core.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import valle.api.ModelFormatException;
import valle.api.codec.Codes;

class EncFileTest {
    private static final String SRC = "prompts/voice.enc";
    private static final String OBJECT_HEADER = "{'descr': '|O', 'fortran_order': False, 'shape': (), }";

    @TempDir
    Path dir;

    // ---- the reference's file -------------------------------------------------------------------------------

    static byte[] reference() throws IOException {
        try (InputStream in = EncFileTest.class.getResourceAsStream("qnt.enc")) {
            assertTrue(in != null, "test resource qnt.enc is missing");
            return in.readAllBytes();
        }
    }

    @Test
    void readsTheReferenceQntEnc() throws IOException {
        Path f = dir.resolve("qnt.enc");
        Files.write(f, reference());
        EncFile enc = EncFile.read(f);
        Codes c = enc.codes();
        assertEquals(765, c.frames());
        assertEquals(8, c.levels());
        // numpy: np.load('qnt.enc', allow_pickle=True)[()]['codes'][0, :, :3]
        int[][] firstThree = {
            {780, 780, 780}, {913, 424, 424}, {937, 937, 937}, {673, 673, 741},
            {528, 448, 622}, {939, 986, 939}, {570, 900, 900}, {518, 518, 518}};
        for (int l = 0; l < 8; l++) {
            for (int t = 0; t < 3; t++) {
                assertEquals(firstThree[l][t], c.get(t, l), "level " + l + " frame " + t);
            }
        }
        // ... and [0, :, -2:]
        int[][] lastTwo = {{430, 1019}, {941, 277}, {821, 710}, {919, 741}, {646, 622}, {692, 881}, {860, 570},
            {475, 701}};
        for (int l = 0; l < 8; l++) {
            assertEquals(lastTwo[l][0], c.get(763, l));
            assertEquals(lastTwo[l][1], c.get(764, l));
        }
        assertEquals(List.of("original_length", "sample_rate", "text", "phonemes", "language"),
                List.copyOf(enc.metadata().keySet()));
        assertEquals(449639L, enc.metadata().get("original_length"));
        assertEquals(44100L, enc.metadata().get("sample_rate"));
        assertEquals("en", enc.metadata().get("language"));
        assertEquals("Perfect. Please move quickly to the chamber lock as the effects of prolonged exposure to the"
                + " button are not part of this test.", enc.metadata().get("text"));
        assertTrue(((String) enc.metadata().get("phonemes")).startsWith("pˈɜːfɛkt. plˈiːz"));
        assertThrows(UnsupportedOperationException.class, () -> enc.metadata().put("x", 1));
    }

    // ---- what numpy 2.4 writes at each protocol ------------------------------------------------------------

    /** np.save of {"codes": u2 [1, 8, 2] 1..14, 1000, 1023, "metadata": {"text": "hi", "sample_rate": 24000}}. */
    private static final String NP_SAVE_P4 = "80049524010000000000008c166e756d70792e5f636f72652e6d756c746961727261"
            + "79948c0c5f7265636f6e7374727563749493948c056e756d7079948c076e6461727261799493944b0085944301629487945294"
            + "284b012968038c0564747970659493948c024f3894898887945294284b038c017c944e4e4e4affffffff4affffffff4b3f7494"
            + "62895d947d94288c05636f64657394680268054b008594680787945294284b014b014b084b028794680b8c0275329489888794"
            + "5294284b038c013c944e4e4e4affffffff4affffffff4b007494628943200100020003000400050006000700080009000a000b"
            + "000c000d000e00e803ff03947494628c086d65746164617461947d94288c0474657874948c026869948c0b73616d706c655f72"
            + "617465944dc05d7575617494622e";
    /** The same object pickled at protocol 2: bytes go through _codecs.encode. */
    private static final String PICKLE_P2 = "8002636e756d70792e5f636f72652e6d756c746961727261790a5f7265636f6e7374"
            + "727563740a7100636e756d70790a6e6461727261790a71014b00857102635f636f646563730a656e636f64650a710358010000"
            + "0062710458060000006c6174696e317105867106527107877108527109284b0129636e756d70790a64747970650a710a580200"
            + "00004f38710b898887710c52710d284b0358010000007c710e4e4e4e4affffffff4affffffff4b3f74710f62895d71107d7111"
            + "285805000000636f6465737112680068014b008571136807877114527115284b014b014b084b02877116680a58020000007532"
            + "71178988877118527119284b0358010000003c711a4e4e4e4affffffff4affffffff4b0074711b6289680358220000000100"
            + "020003000400050006000700080009000a000b000c000d000e00c3a803c3bf03711c680586711d52711e74711f625808000000"
            + "6d6574616461746171207d7121285804000000746578747122580200000068697123580b00000073616d706c655f7261746571"
            + "244dc05d757561747125622e";
    /** The same object pickled at protocol 5: the codes go through numpy._core.numeric._frombuffer. */
    private static final String PICKLE_P5 = "80059545010000000000008c166e756d70792e5f636f72652e6d756c746961727261"
            + "79948c0c5f7265636f6e7374727563749493948c056e756d7079948c076e6461727261799493944b0085944301629487945294"
            + "284b012968038c0564747970659493948c024f3894898887945294284b038c017c944e4e4e4affffffff4affffffff4b3f7494"
            + "62895d947d94288c05636f646573948c136e756d70792e5f636f72652e6e756d65726963948c0b5f66726f6d62756666657294"
            + "9394289620000000000000000100020003000400050006000700080009000a000b000c000d000e00e803ff0394680b8c027532"
            + "94898887945294284b038c013c944e4e4e4affffffff4affffffff4b007494624b014b084b0287948c014394749452948c086d"
            + "65746164617461947d94288c0474657874948c026869948c0b73616d706c655f72617465944dc05d7575617494622e";

    private static void assertSmallCodes(EncFile enc) {
        Codes c = enc.codes();
        assertEquals(2, c.frames());
        assertEquals(8, c.levels());
        // [1, 8, 2] level-major 1..14, 1000, 1023 -> frame-major
        assertArrayEquals(new int[] {1, 3, 5, 7, 9, 11, 13, 1000, 2, 4, 6, 8, 10, 12, 14, 1023}, c.data());
        assertEquals(Map.of("text", "hi", "sample_rate", 24000L), enc.metadata());
    }

    @Test
    void readsNumpySaveOutput() {
        assertSmallCodes(EncFile.parse(enc(HexFormat.of().parseHex(NP_SAVE_P4)), SRC));
    }

    @Test
    void readsProtocol2WithCodecsEncode() {
        assertSmallCodes(EncFile.parse(enc(HexFormat.of().parseHex(PICKLE_P2)), SRC));
    }

    @Test
    void readsProtocol5WithFrombuffer() {
        assertSmallCodes(EncFile.parse(enc(HexFormat.of().parseHex(PICKLE_P5)), SRC));
    }

    // ---- hand-built pickles: dtypes and layouts --------------------------------------------------------------

    @Test
    void readsEachIntegerCodeDtype() {
        int[] levelMajor = new int[16];
        for (int i = 0; i < 16; i++) {
            levelMajor[i] = i * 60;
        }
        int[] frameMajor = new int[16];
        for (int l = 0; l < 8; l++) {
            for (int t = 0; t < 2; t++) {
                frameMajor[t * 8 + l] = levelMajor[l * 2 + t];
            }
        }
        for (String dtype : List.of("u2", "i2", "i4", "i8")) {
            EncFile e = EncFile.parse(enc(codesPickle(dtype, '<', new int[] {1, 8, 2}, levelMajor, false)), SRC);
            assertArrayEquals(frameMajor, e.codes().data(), dtype);
        }
        int[] small = new int[16]; // u1 cannot hold larger codes
        Arrays.fill(small, 255);
        EncFile u1 = EncFile.parse(enc(codesPickle("u1", '|', new int[] {1, 8, 2}, small, false)), SRC);
        assertArrayEquals(small, u1.codes().data());
    }

    @Test
    void readsTwoDimensionalCodesAndOtherLevelCounts() {
        int[] v = {1, 2, 3, 4, 5, 6};
        EncFile e = EncFile.parse(enc(codesPickle("u2", '<', new int[] {2, 3}, v, false)), SRC);
        assertEquals(3, e.codes().frames());
        assertEquals(2, e.codes().levels());
        assertArrayEquals(new int[] {1, 4, 2, 5, 3, 6}, e.codes().data());
        EncFile empty = EncFile.parse(enc(codesPickle("u2", '<', new int[] {1, 8, 0}, new int[0], false)), SRC);
        assertEquals(0, empty.codes().frames());
    }

    @Test
    void readsNestedMetadata() {
        P p = outerStart().str("codes");
        array(p, "u2", '<', new int[] {1, 1}, new int[] {5}, false);
        p.str("metadata").op('}').op('(')
                .str("f").op('G').be8(Double.doubleToLongBits(0.25))
                .str("n").op('N')
                .str("t").op('(').op('K', 1).str("a").op('t')
                .str("l").op(']').op('(').op('K', 2).op('K', 3).op('e')
                .str("big").op(0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1)
                .str("neg").op('J').le4(-7)
                .op('u');
        EncFile e = EncFile.parse(enc(outerEnd(p)), SRC);
        Map<String, Object> m = e.metadata();
        assertEquals(0.25, m.get("f"));
        assertTrue(m.containsKey("n") && m.get("n") == null);
        assertEquals(List.of(1L, "a"), m.get("t"));
        assertEquals(List.of(2L, 3L), m.get("l"));
        assertEquals(java.math.BigInteger.ONE.shiftLeft(64), m.get("big"));
        assertEquals(-7L, m.get("neg"));
    }

    // ---- hostile and broken files ----------------------------------------------------------------------------

    private static ModelFormatException refused(byte[] bytes, String... fragments) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> EncFile.parse(bytes, SRC));
        assertTrue(e.getMessage().startsWith(SRC + ":"), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' not in: " + e.getMessage());
        }
        return e;
    }

    @Test
    void refusesOsSystem() {
        // cos\nsystem\n(X..echo pwned tR.
        P p = new P().op(0x80, 2).global("os", "system").op('(').str("echo pwned").op('t').op('R').op('.');
        refused(enc(p.bytes()), "GLOBAL", "'os.system'", "not allowed", "at byte 130", "pickle offset 2");
    }

    @Test
    void refusesOtherGlobalsEvenInsideTheCodes() {
        P p = new P().op(0x80, 4).str("builtins").str("eval").op(0x93);
        refused(enc(p.bytes()), "STACK_GLOBAL", "'builtins.eval'");
        P q = new P().op(0x80, 3).global("numpy", "load");
        refused(enc(q.bytes()), "GLOBAL", "'numpy.load'");
        P r = new P().op(0x80, 3).global("numpy.core.multiarray", "scalar");
        refused(enc(r.bytes()), "'numpy.core.multiarray.scalar'");
    }

    @Test
    void refusesObjectBuildingOpcodes() {
        record Op(String name, int code) {
        }
        for (Op op : List.of(new Op("INST", 'i'), new Op("OBJ", 'o'), new Op("NEWOBJ", 0x81), new Op("NEWOBJ_EX", 0x92),
                new Op("PERSID", 'P'), new Op("BINPERSID", 'Q'), new Op("EXT1", 0x82), new Op("EXT2", 0x83),
                new Op("EXT4", 0x84), new Op("STRING", 'S'), new Op("LONG4", 0x8b), new Op("NEXT_BUFFER", 0x97),
                new Op("FROZENSET", 0x91))) {
            P p = new P().op(0x80, 3).op(')').op(op.code()).op('.');
            refused(enc(p.bytes()), op.name(), "at byte 131", "not allowed");
        }
        refused(enc(new P().op(0x80, 3).op(0xf0).bytes()), "0xf0");
    }

    @Test
    void refusesCallingTheNdarrayClassOrBuildingOtherThings() {
        P p = new P().op(0x80, 3).global("numpy", "ndarray").op(')').op('R');
        refused(enc(p.bytes()), "REDUCE", "not callable");
        P q = new P().op(0x80, 3).op(']').op(')').op('b');
        refused(enc(q.bytes()), "BUILD", "list");
    }

    @Test
    void refusesEveryTruncation() throws IOException {
        byte[] good = reference();
        for (int n = 0; n < good.length; n++) {
            byte[] cut = Arrays.copyOf(good, n);
            assertThrows(ModelFormatException.class, () -> EncFile.parse(cut, SRC), "cut at " + n);
        }
        refused(Arrays.copyOf(good, good.length - 1), "no STOP");
        refused(Arrays.copyOf(good, 5000), "truncated");
    }

    @Test
    void survivesCorruption() throws IOException {
        byte[] good = reference();
        Random random = new Random(42);
        int refusedCount = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] bad = good.clone();
            for (int k = 0; k < 1 + random.nextInt(3); k++) {
                bad[random.nextInt(528)] = (byte) random.nextInt(256); // header, pickle opcodes, first codes
            }
            try {
                EncFile.parse(bad, SRC);
            } catch (ModelFormatException e) {
                refusedCount++;
                assertTrue(e.getMessage().startsWith(SRC + ":"), e.getMessage());
            }
        }
        assertTrue(refusedCount > 1000, "corruption went unnoticed too often: " + refusedCount);
    }

    @Test
    void refusesAbsurdLengths() {
        P unicode = new P().op(0x80, 3).op('X').le4(0x7fffffff).op('a', 'b');
        refused(enc(unicode.bytes()), "BINUNICODE", "length 2147483647", "bytes left");
        P bytes = new P().op(0x80, 3).op('B').le4(-1);
        refused(enc(bytes.bytes()), "BINBYTES", "bytes left");
        P bytes8 = new P().op(0x80, 4).op(0x8e).le8(Long.MAX_VALUE);
        refused(enc(bytes8.bytes()), "BINBYTES8", "bytes left");
        P frame = new P().op(0x80, 4).op(0x95).le8(1L << 40);
        refused(enc(frame.bytes()), "FRAME", "exceeds");
        P memo = new P().op(0x80, 3).op(']').op('j').le4(-1);
        refused(enc(memo.bytes()), "LONG_BINGET", "memo entry 4294967295");
        // an array claiming far more elements than its bytes
        P array = outerStart().str("codes");
        array(array, "u2", '<', new int[] {1, 8, 1 << 26}, new int[16], false);
        refused(enc(outerEnd(array.str("metadata").op('}'))), "needs 1073741824 bytes", "has 32");
        // a .npy header length far beyond the file
        byte[] header = enc(new P().op(0x80, 3).op('N').op('.').bytes());
        header[8] = (byte) 0xff;
        header[9] = (byte) 0xff;
        refused(header, "truncated .npy header");
    }

    @Test
    void refusesMemoAmplification() {
        // one 64 KiB string, re-encoded through _codecs.encode many times into a list
        P p = new P().op(0x80, 2).op('X').le4(1 << 16).raw(new byte[1 << 16]).op('q', 0);
        p.global("_codecs", "encode").op('q', 1).op(']');
        for (int i = 0; i < 2000; i++) {
            p.op('h', 1).op('h', 0).str("latin1").op(0x86).op('R').op('a');
        }
        refused(enc(p.op('.').bytes()), "expands");
    }

    @Test
    void refusesCyclicOrDeepMetadata() {
        P p = outerStart().str("codes");
        array(p, "u2", '<', new int[] {1, 1}, new int[] {5}, false);
        p.str("metadata").op('}').str("loop").op(']').op('q', 200).op('h', 200).op('a').op('s');
        refused(enc(outerEnd(p)), "nested deeper");
    }

    @Test
    void refusesCodesOutOfRange() {
        int[] v = new int[16];
        v[13] = 1024;
        refused(enc(codesPickle("u2", '<', new int[] {1, 8, 2}, v, false)), "code 1024", "level 6, frame 1",
                "0..1023");
        v[13] = -1;
        refused(enc(codesPickle("i4", '<', new int[] {1, 8, 2}, v, false)), "code -1");
        v[13] = 65535;
        refused(enc(codesPickle("u2", '<', new int[] {1, 8, 2}, v, false)), "code 65535");
    }

    @Test
    void refusesWrongDtypesAndLayouts() {
        int[] v = new int[16];
        refused(enc(codesPickle("f4", '<', new int[] {1, 8, 2}, v, false)), "codes have dtype <f4");
        refused(enc(codesPickle("u2", '>', new int[] {1, 8, 2}, v, false)), "big-endian");
        refused(enc(codesPickle("u2", '<', new int[] {1, 8, 2}, v, true)), "Fortran");
        refused(enc(codesPickle("u4", '<', new int[] {1, 8, 2}, v, false)), "dtype <u4");
        refused(enc(codesPickle("u2", '<', new int[] {2, 4, 2}, v, false)), "[1, levels, T] or [levels, T]");
        refused(enc(codesPickle("u2", '<', new int[] {16}, v, false)), "[1, levels, T] or [levels, T]");
    }

    @Test
    void refusesFilesThatAreNotEncFiles() {
        byte[] ints = NpyArrayTest.npy("<i4", "(1,)", new byte[4]);
        refused(ints, "not an .enc file", "<i4");
        refused(new byte[] {1, 2}, "not a .npy");
        // a pickle that is not a dict / has no codes / has trailing bytes / is empty
        refused(enc(new P().op(0x80, 3).op('N').op('.').bytes()), "None, not a dict");
        refused(enc(new P().op(0x80, 3).op('}').op('.').bytes()), "no \"codes\"");
        refused(enc(new P().op(0x80, 3).op('}').op('.').op('.').bytes()), "trailing");
        refused(enc(new P().op(0x80, 3).op('.').bytes()), "STOP");
        refused(enc(new P().op('}').op('.').bytes()), "PROTO");
        refused(enc(new P().op(0x80, 1).op('}').op('.').bytes()), "protocol 1");
        P metaList = new P().op(0x80, 3).op('}').op('(').str("codes");
        array(metaList, "u2", '<', new int[] {1, 1}, new int[] {5}, false);
        refused(enc(metaList.str("metadata").op(']').op('u').op('.').bytes()), "\"metadata\" is a list");
    }

    @Test
    void readNamesTheFile() throws IOException {
        Path f = dir.resolve("bad.enc");
        Files.write(f, enc(new P().op(0x80, 2).global("os", "system").bytes()));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> EncFile.read(f));
        assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
    }

    // ---- a tiny pickle writer (test side only) ---------------------------------------------------------------

    /** Pickle bytes, written opcode by opcode. */
    static final class P {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        P op(int... bytes) {
            for (int b : bytes) {
                out.write(b);
            }
            return this;
        }

        P raw(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        P le4(int v) {
            return raw(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
        }

        P le8(long v) {
            return raw(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
        }

        P be8(long v) {
            return raw(ByteBuffer.allocate(8).putLong(v).array());
        }

        /** BINUNICODE. */
        P str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            return op('X').le4(b.length).raw(b);
        }

        P global(String module, String name) {
            return op('c').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        }

        P binint(int v) {
            return op('J').le4(v);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    /** Wraps a pickle in a .npy header of dtype |O, shape (). */
    static byte[] enc(byte[] pickle) {
        byte[] header = NpyArrayTest.npy(1, OBJECT_HEADER, new byte[0]);
        byte[] out = Arrays.copyOf(header, header.length + pickle.length);
        System.arraycopy(pickle, 0, out, header.length, pickle.length);
        return out;
    }

    /** numpy.dtype(name) with its BUILD state, as numpy pickles it. */
    private static void dtype(P p, String name, char order, int flags) {
        p.global("numpy", "dtype").str(name).op(0x89, 0x88, 0x87, 'R')
                .op('(').op('K', 3).str(String.valueOf(order)).op('N', 'N', 'N').binint(-1).binint(-1).op('K', flags)
                .op('t', 'b');
    }

    /** An ndarray the way numpy pickles it at protocol 3 (_reconstruct + BUILD). */
    static void array(P p, String dtype, char order, int[] shape, int[] values, boolean fortran) {
        int width = Integer.parseInt(dtype.substring(1));
        ByteBuffer data = ByteBuffer.allocate(values.length * width).order(ByteOrder.LITTLE_ENDIAN);
        if (order == '>') {
            data.order(ByteOrder.BIG_ENDIAN);
        }
        for (int v : values) {
            switch (dtype) {
                case "f4" -> data.putFloat(v);
                case "u1", "i1" -> data.put((byte) v);
                case "u2", "i2" -> data.putShort((short) v);
                case "i4", "u4" -> data.putInt(v);
                default -> data.putLong(v);
            }
        }
        p.global("numpy.core.multiarray", "_reconstruct").global("numpy", "ndarray").op('K', 0, 0x85)
                .op('C', 1, 'b').op(0x87, 'R');
        p.op('(').op('K', 1).op('(');
        for (int d : shape) {
            p.binint(d);
        }
        p.op('t');
        dtype(p, dtype, order, 0);
        p.op(fortran ? 0x88 : 0x89).op('B').le4(data.capacity()).raw(data.array()).op('t', 'b');
    }

    /** The start of numpy's pickle of a 0-d object array holding a dict, up to the dict's MARK. */
    private static P outerStart() {
        P p = new P().op(0x80, 3).global("numpy._core.multiarray", "_reconstruct").global("numpy", "ndarray")
                .op('K', 0, 0x85).op('C', 1, 'b').op(0x87, 'R');
        p.op('(').op('K', 1).op(')');
        dtype(p, "O8", '|', 63);
        return p.op(0x89).op(']').op('}').op('(');
    }

    private static byte[] outerEnd(P p) {
        return p.op('u').op('a').op('t', 'b').op('.').bytes();
    }

    static byte[] codesPickle(String dtype, char order, int[] shape, int[] values, boolean fortran) {
        P p = outerStart().str("codes");
        array(p, dtype, order, shape, values, fortran);
        p.str("metadata").op('}').op('(').str("language").str("en").op('u');
        return outerEnd(p);
    }
}

package valle.core.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import valle.api.ModelFormatException;

class NpyArrayTest {
    private static final String SRC = "golden/x.npy";

    @TempDir
    Path dir;

    // ---- building .npy bytes by hand ------------------------------------------------------------------------

    /** A format-{@code major} .npy file with the given header dict and data (header padded as numpy does). */
    static byte[] npy(int major, String dict, byte[] data) {
        int pre = major == 1 ? 10 : 12;
        StringBuilder h = new StringBuilder(dict);
        int total = pre + h.length() + 1;
        h.append(" ".repeat((64 - total % 64) % 64)).append('\n');
        byte[] text = h.toString().getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(pre + text.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            b.putShort((short) text.length);
        } else {
            b.putInt(text.length);
        }
        return b.put(text).put(data).array();
    }

    static byte[] npy(String descr, String shape, byte[] data) {
        return npy(1, "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }", data);
    }

    static byte[] le(int bytes, Consumer<ByteBuffer> fill) {
        ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        fill.accept(b);
        return b.array();
    }

    private static ModelFormatException refused(byte[] bytes, String... fragments) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> NpyArray.parse(bytes, SRC));
        assertTrue(e.getMessage().startsWith(SRC + ":"), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + f + "' not in: " + e.getMessage());
        }
        return e;
    }

    // ---- each dtype ---------------------------------------------------------------------------------------

    @Test
    void readsF4() {
        NpyArray a = NpyArray.parse(npy("<f4", "(2, 2)", le(16, b -> b.putFloat(1.5f).putFloat(-0.1f)
                .putFloat(Float.MAX_VALUE).putFloat(Float.MIN_VALUE))), SRC);
        assertArrayEquals(new int[] {2, 2}, a.shape());
        assertArrayEquals(new double[] {1.5, -0.1f, Float.MAX_VALUE, Float.MIN_VALUE}, a.values());
        assertFalse(a.integral());
        assertEquals("[2, 2]", a.shapeString());
    }

    @Test
    void readsF8() {
        NpyArray a = NpyArray.parse(npy("<f8", "(3,)", le(24, b -> b.putDouble(Math.PI).putDouble(-1e300)
                .putDouble(Double.NaN))), SRC);
        assertArrayEquals(new double[] {Math.PI, -1e300, Double.NaN}, a.values());
        assertFalse(a.integral());
    }

    @Test
    void readsI4() {
        NpyArray a = NpyArray.parse(npy("<i4", "(3,)", le(12, b -> b.putInt(-1).putInt(Integer.MAX_VALUE)
                .putInt(Integer.MIN_VALUE))), SRC);
        assertArrayEquals(new int[] {-1, Integer.MAX_VALUE, Integer.MIN_VALUE}, a.ints());
        assertTrue(a.integral());
    }

    @Test
    void readsI8() {
        NpyArray a = NpyArray.parse(npy("<i8", "(2,)", le(16, b -> b.putLong(-5).putLong(1L << 40))), SRC);
        assertArrayEquals(new double[] {-5, 1L << 40}, a.values());
        assertTrue(a.integral());
    }

    @Test
    void readsU2AsUnsigned() {
        NpyArray a = NpyArray.parse(npy("<u2", "(1, 3)", le(6, b -> b.putShort((short) 0).putShort((short) 1023)
                .putShort((short) 0xffff))), SRC);
        assertArrayEquals(new int[] {0, 1023, 65535}, a.ints());
        assertTrue(a.integral());
    }

    @Test
    void readsU1AsUnsigned() {
        NpyArray a = NpyArray.parse(npy("|u1", "(3,)", new byte[] {0, 127, (byte) 255}), SRC);
        assertArrayEquals(new int[] {0, 127, 255}, a.ints());
        assertTrue(a.integral());
    }

    @Test
    void readsI2Signed() {
        NpyArray a = NpyArray.parse(npy("<i2", "(3,)", le(6, b -> b.putShort((short) -32768).putShort((short) 7)
                .putShort((short) 32767))), SRC);
        assertArrayEquals(new int[] {-32768, 7, 32767}, a.ints());
    }

    @Test
    void readsI1Signed() {
        NpyArray a = NpyArray.parse(npy("|i1", "(3,)", new byte[] {-128, 0, 127}), SRC);
        assertArrayEquals(new int[] {-128, 0, 127}, a.ints());
    }

    @Test
    void readsScalarAndEmptyShapes() {
        NpyArray scalar = NpyArray.parse(npy("<i4", "()", le(4, b -> b.putInt(42))), SRC);
        assertArrayEquals(new int[0], scalar.shape());
        assertArrayEquals(new int[] {42}, scalar.ints());
        NpyArray empty = NpyArray.parse(npy("<f4", "(0, 8)", new byte[0]), SRC);
        assertArrayEquals(new int[] {0, 8}, empty.shape());
        assertEquals(0, empty.size());
    }

    @Test
    void readsFormatVersions2And3() {
        String dict = "{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }";
        byte[] data = le(8, b -> b.putInt(3).putInt(4));
        assertArrayEquals(new int[] {3, 4}, NpyArray.parse(npy(2, dict, data), SRC).ints());
        assertArrayEquals(new int[] {3, 4}, NpyArray.parse(npy(3, dict, data), SRC).ints());
    }

    @Test
    void readsFromAFile() throws IOException {
        Path f = dir.resolve("a.npy");
        Files.write(f, npy("<f8", "(1,)", le(8, b -> b.putDouble(2.5))));
        assertArrayEquals(new double[] {2.5}, NpyArray.read(f).values());
    }

    // ---- refusals -------------------------------------------------------------------------------------------

    @Test
    void refusesBigEndian() {
        refused(npy(">f4", "(1,)", new byte[4]), "big-endian", ">f4");
        refused(npy(">i8", "(1,)", new byte[8]), "big-endian");
    }

    @Test
    void refusesFortranOrder() {
        refused(npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", new byte[16]), "Fortran");
    }

    @Test
    void refusesObjectArrays() {
        refused(npy("|O", "()", new byte[] {(byte) 0x80, 3, 'N', '.'}), "object");
    }

    @Test
    void refusesOtherDtypes() {
        for (String d : List.of("<c8", "<U3", "|b1", "<f2", "<u4", "|S4", "<M8")) {
            refused(npy(d, "(1,)", new byte[64]), "unsupported dtype", d);
        }
        refused(npy(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", new byte[4]),
                "structured");
    }

    @Test
    void refusesTruncatedData() {
        refused(npy("<f4", "(2, 3)", new byte[23]), "truncated", "24 bytes");
        refused(npy("<i8", "(1000000, 1000)", new byte[8]), "truncated");
    }

    @Test
    void refusesShapesTooLargeForAnArray() {
        refused(npy("<f8", "(100000, 100000)", new byte[8]), "too large");
        refused(npy("<f8", "(99999999999,)", new byte[8]), "bad .npy shape");
        refused(npy("<f8", "(-1,)", new byte[8]), "negative");
    }

    @Test
    void refusesBadHeaders() {
        byte[] good = npy("<i4", "(1,)", new byte[4]);
        refused(new byte[] {1, 2, 3}, "not a .npy");
        byte[] magic = good.clone();
        magic[1] = 'n';
        refused(magic, "not a .npy");
        byte[] version = good.clone();
        version[6] = 4;
        refused(version, "version 4");
        byte[] longHeader = good.clone();
        longHeader[8] = (byte) 0xff;
        longHeader[9] = (byte) 0xff;
        refused(longHeader, "truncated .npy header", "65535");
        byte[] v2 = npy(2, "{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }", new byte[4]);
        v2[8] = v2[9] = v2[10] = v2[11] = (byte) 0xff; // 4 GiB header length
        refused(v2, "truncated .npy header", "4294967295");
        refused(npy(1, "{'descr': '<i4', 'shape': (1,), }", new byte[4]), "unreadable");
        refused(npy(1, "not a dict", new byte[4]), "unreadable");
    }

    @Test
    void everyTruncationIsRefusedCleanly() {
        byte[] good = npy("<f8", "(2, 3)", new byte[48]);
        for (int n = 0; n < good.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(good, n);
            assertThrows(ModelFormatException.class, () -> NpyArray.parse(cut, SRC), "cut at " + n);
        }
    }

    @Test
    void readNamesTheMissingFile() {
        Path missing = dir.resolve("nope.npy");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> NpyArray.read(missing));
        assertTrue(e.getMessage().contains("nope.npy"), e.getMessage());
    }

    // ---- writing -------------------------------------------------------------------------------------------

    @Test
    void writeIntsMatchesNumpySaveByteForByte() throws IOException {
        // np.save(f, np.array([[1, -2, 3], [4, 5, 2147483647]], dtype='<i4')) with numpy 2.4
        String header = "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }";
        String expected = "934e554d505901007600" + HexFormat.of().formatHex(
                (header + " ".repeat(117 - header.length()) + "\n").getBytes(StandardCharsets.US_ASCII))
                + "01000000feffffff030000000400000005000000ffffff7f";
        Path f = dir.resolve("codes.npy");
        NpyArray.writeInts(f, new int[] {2, 3}, new int[] {1, -2, 3, 4, 5, Integer.MAX_VALUE});
        assertEquals(expected, HexFormat.of().formatHex(Files.readAllBytes(f)));
        assertEquals(152, Files.size(f));
    }

    @Test
    void writeIntsRoundTrips() throws IOException {
        int[][] shapes = {{}, {5}, {0, 8}, {3, 8}, {1, 8, 4}};
        for (int[] shape : shapes) {
            int n = 1;
            for (int d : shape) {
                n *= d;
            }
            int[] values = new int[n];
            for (int i = 0; i < n; i++) {
                values[i] = i * 37 - 100;
            }
            Path f = dir.resolve("r" + shape.length + "_" + n + ".npy");
            NpyArray.writeInts(f, shape, values);
            byte[] raw = Files.readAllBytes(f);
            int headerEnd = 10 + ((raw[8] & 0xff) | (raw[9] & 0xff) << 8);
            assertEquals(0, headerEnd % 64, "data must start 64-byte aligned");
            assertEquals('\n', raw[headerEnd - 1]);
            NpyArray back = NpyArray.read(f);
            assertArrayEquals(shape, back.shape());
            assertArrayEquals(values, back.ints());
            assertTrue(back.integral());
        }
    }

    @Test
    void writeIntsReplacesAndLeavesNoTemporaryFiles() throws IOException {
        Path f = dir.resolve("out.npy");
        NpyArray.writeInts(f, new int[] {2}, new int[] {1, 2});
        NpyArray.writeInts(f, new int[] {3}, new int[] {7, 8, 9});
        assertArrayEquals(new int[] {7, 8, 9}, NpyArray.read(f).ints());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList());
        }
    }

    @Test
    void writeIntsToARelativePath() throws IOException {
        Path f = dir.resolve("rel.npy");
        Path relative = Path.of("").toAbsolutePath().relativize(f);
        NpyArray.writeInts(relative, new int[] {1}, new int[] {5});
        assertArrayEquals(new int[] {5}, NpyArray.read(f).ints());
    }

    @Test
    void aFailedWriteLeavesNothingBehind() throws IOException {
        Path blocker = dir.resolve("taken.npy");
        Files.createDirectory(blocker);
        Files.writeString(blocker.resolve("inside"), "x"); // a non-empty folder cannot be replaced
        assertThrows(UncheckedIOException.class, () -> NpyArray.writeInts(blocker, new int[] {1}, new int[] {1}));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(blocker), files.toList());
        }
        Path noFolder = dir.resolve("missing/x.npy");
        assertThrows(UncheckedIOException.class, () -> NpyArray.writeInts(noFolder, new int[] {1}, new int[] {1}));
        assertFalse(Files.exists(noFolder.getParent()));
    }

    @Test
    void writeIntsChecksTheShape() {
        Path f = dir.resolve("bad.npy");
        assertThrows(IllegalArgumentException.class, () -> NpyArray.writeInts(f, new int[] {2, 2}, new int[3]));
        assertThrows(IllegalArgumentException.class, () -> NpyArray.writeInts(f, new int[] {-1}, new int[0]));
        assertFalse(Files.exists(f));
    }
}

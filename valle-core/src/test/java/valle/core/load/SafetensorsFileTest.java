package valle.core.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import valle.api.ModelFormatException;
import valle.api.tensor.DType;
import valle.api.tensor.TensorView;
import valle.api.tensor.Weights;
import valle.kit.io.SafetensorsHeader;

class SafetensorsFileTest {
    private static final String FILE = "model.safetensors";
    private static final Path PROC_MAPS = Path.of("/proc/self/maps");

    @TempDir
    Path dir;

    // ---- round trips -------------------------------------------------------------------------------------

    @Test
    void f32ValuesRoundTripExactly() {
        float[] values = {1.5f, -2.25f, 3.1415927f, 0f, -0f, 1e-30f, Float.MAX_VALUE, Float.MIN_VALUE};
        try (SafetensorsFile f = open(new SafetensorsWriter().tensor("w", DType.F32, new int[] {8}, values))) {
            TensorView t = f.find("w").orElseThrow();
            assertEquals(DType.F32, t.dtype());
            assertArrayEquals(new int[] {8}, t.shape());
            assertEquals(8, t.size());
            assertArrayEquals(values, t.toFloatArray());
        }
    }

    @Test
    void f16ValuesAreWidenedExactly() {
        // all exactly representable in binary16: max normal, min subnormal, signed zero, small fractions
        float[] values = {0.5f, -1.25f, 65504f, 0x1p-24f, -0f, 1023.5f};
        try (SafetensorsFile f = open(new SafetensorsWriter().tensor("h", DType.F16, new int[] {2, 3}, values))) {
            TensorView t = f.find("h").orElseThrow();
            assertEquals(DType.F16, t.dtype());
            assertArrayEquals(values, t.toFloatArray());
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(t.toFloatArray()[4]));
        }
    }

    @Test
    void bf16ValuesAreWidenedExactly() {
        // bfloat16 keeps the top 16 bits of a float: 8 exponent bits, 7 mantissa bits
        float[] values = {1f, -3.5f, 0x1p100f, -0x1p-7f, 1.0078125f, 0x1p-126f, Float.NEGATIVE_INFINITY};
        try (SafetensorsFile f = open(new SafetensorsWriter().tensor("b", DType.BF16, new int[] {7}, values))) {
            TensorView t = f.find("b").orElseThrow();
            assertEquals(DType.BF16, t.dtype());
            assertArrayEquals(values, t.toFloatArray());
        }
    }

    @Test
    void tensorsOfEveryDtypeLiveSideBySideInOneFile() {
        SafetensorsWriter w = new SafetensorsWriter()
                .tensor("c.f32", DType.F32, new int[] {3}, 1f, 2f, 3f)
                .tensor("a.f16", DType.F16, new int[] {1}, -2f)
                .tensor("b.bf16", DType.BF16, new int[] {2}, 4f, -8f);
        try (SafetensorsFile f = open(w)) {
            assertEquals(List.of("a.f16", "b.bf16", "c.f32"), List.copyOf(f.names()));
            assertArrayEquals(new float[] {1f, 2f, 3f}, f.find("c.f32").orElseThrow().toFloatArray());
            assertArrayEquals(new float[] {-2f}, f.find("a.f16").orElseThrow().toFloatArray());
            assertArrayEquals(new float[] {4f, -8f}, f.find("b.bf16").orElseThrow().toFloatArray());
            assertEquals(FILE, f.source());
            assertTrue(f.find("missing").isEmpty());
        }
    }

    @Test
    void releasedPagesLeaveTheResidentSetAndReadAgainTheSame() throws IOException {
        assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "resident memory is read from /proc/self/status");
        int n = 16 << 20 >> 2; // 16 MiB of f32
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = i * 0.5f;
        }
        try (SafetensorsFile f = open(new SafetensorsWriter().tensor("w", DType.F32, new int[] {1024, n / 1024}, values))) {
            TensorView w = f.find("w").orElseThrow();
            float[] first = w.toFloatArray();
            long resident = residentFileBytes();
            w.releaseResidentPages();
            long released = resident - residentFileBytes();
            assertTrue(released > (8 << 20), "released only " + released + " bytes of a 16 MiB tensor");
            assertArrayEquals(first, w.toFloatArray());
            assertArrayEquals(values, first);
        }
    }

    /** {@code RssFile} of {@code /proc/self/status}: the process's resident file-backed pages. */
    private static long residentFileBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("RssFile:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no RssFile line in /proc/self/status");
    }

    @Test
    void shapeIsAFreshCopyEachCall() {
        try (SafetensorsFile f = open(new SafetensorsWriter().tensor("w", DType.F32, new int[] {2, 2}, 1, 2, 3, 4))) {
            TensorView t = f.find("w").orElseThrow();
            t.shape()[0] = 99;
            assertArrayEquals(new int[] {2, 2}, t.shape());
        }
    }

    // ---- rows, columns, readRow, read -------------------------------------------------------------------

    @Test
    void oneDimensionalTensorIsOneRowOfAllItsElements() {
        try (SafetensorsFile f = open(new SafetensorsWriter().tensor("v", DType.F32, new int[] {5}, 1, 2, 3, 4, 5))) {
            TensorView t = f.find("v").orElseThrow();
            assertEquals(1, t.rows());
            assertEquals(5, t.columns());
            float[] row = new float[7];
            t.readRow(0, row, 1);
            assertArrayEquals(new float[] {0, 1, 2, 3, 4, 5, 0}, row);
        }
    }

    @Test
    void twoDimensionalTensorReadsRowByRow() {
        SafetensorsWriter w = new SafetensorsWriter()
                .tensor("m", DType.BF16, new int[] {3, 2}, 1, 2, 3, 4, 5, 6);
        try (SafetensorsFile f = open(w)) {
            TensorView t = f.find("m").orElseThrow();
            assertEquals(3, t.rows());
            assertEquals(2, t.columns());
            float[] row = new float[2];
            t.readRow(0, row, 0);
            assertArrayEquals(new float[] {1, 2}, row);
            t.readRow(2, row, 0);
            assertArrayEquals(new float[] {5, 6}, row);
            t.readRow(1, row, 0);
            assertArrayEquals(new float[] {3, 4}, row);
        }
    }

    @Test
    void higherDimensionalTensorHasTheProductOfLeadingDimensionsAsRows() {
        float[] values = new float[2 * 2 * 3];
        for (int i = 0; i < values.length; i++) {
            values[i] = i;
        }
        try (SafetensorsFile f = open(new SafetensorsWriter().tensor("x", DType.F16, new int[] {2, 2, 3}, values))) {
            TensorView t = f.find("x").orElseThrow();
            assertEquals(4, t.rows());
            assertEquals(3, t.columns());
            float[] row = new float[3];
            t.readRow(3, row, 0);
            assertArrayEquals(new float[] {9, 10, 11}, row);
        }
    }

    @Test
    void scalarTensorIsOneRowOfOneColumn() {
        try (SafetensorsFile f = open(new SafetensorsWriter().tensor("s", DType.F32, new int[] {}, 42f))) {
            TensorView t = f.find("s").orElseThrow();
            assertEquals(1, t.size());
            assertEquals(1, t.rows());
            assertEquals(1, t.columns());
            assertArrayEquals(new float[] {42f}, t.toFloatArray());
        }
    }

    @Test
    void emptyTensorHasNoElements() {
        try (SafetensorsFile f = open(new SafetensorsWriter()
                .tensor("e", DType.F32, new int[] {0, 4})
                .tensor("after", DType.F32, new int[] {1}, 7f))) {
            TensorView t = f.find("e").orElseThrow();
            assertEquals(0, t.size());
            assertEquals(0, t.rows());
            assertEquals(4, t.columns());
            assertArrayEquals(new float[0], t.toFloatArray());
            assertArrayEquals(new float[] {7f}, f.find("after").orElseThrow().toFloatArray());
        }
    }

    @Test
    void readCopiesARangeFromAnyFlatIndex() {
        try (SafetensorsFile f = open(new SafetensorsWriter().tensor("v", DType.F32, new int[] {2, 3}, 1, 2, 3, 4, 5, 6))) {
            float[] dst = new float[4];
            f.find("v").orElseThrow().read(2, dst, 1, 3);
            assertArrayEquals(new float[] {0, 3, 4, 5}, dst);
        }
    }

    @Test
    void readOutOfRangeThrowsIndexOutOfBounds() {
        try (SafetensorsFile f = open(new SafetensorsWriter().tensor("v", DType.F16, new int[] {2, 3}, 1, 2, 3, 4, 5, 6))) {
            TensorView t = f.find("v").orElseThrow();
            float[] dst = new float[10];
            assertThrows(IndexOutOfBoundsException.class, () -> t.read(5, dst, 0, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> t.read(-1, dst, 0, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> t.read(0, dst, 0, -1));
            assertThrows(IndexOutOfBoundsException.class, () -> t.read(6, dst, 0, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> t.read(0, new float[2], 0, 3));
            assertThrows(IndexOutOfBoundsException.class, () -> t.read(0, dst, 9, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> t.readRow(2, dst, 0));
            assertDoesNotThrow(() -> t.read(6, dst, 0, 0));
        }
    }

    // ---- metadata ----------------------------------------------------------------------------------------

    @Test
    void metadataIsReadBackInFileOrder() {
        SafetensorsWriter w = new SafetensorsWriter()
                .metadata("zeta", "last-alphabetically")
                .metadata("format", "pt")
                .metadata("alpha", "quote \" and backslash \\ and é")
                .tensor("w", DType.F32, new int[] {1}, 1f);
        try (SafetensorsFile f = open(w)) {
            Map<String, String> m = f.metadata();
            assertEquals(List.of("zeta", "format", "alpha"), List.copyOf(m.keySet()));
            assertEquals("pt", m.get("format"));
            assertEquals("quote \" and backslash \\ and é", m.get("alpha"));
            assertThrows(UnsupportedOperationException.class, () -> m.put("x", "y"));
            assertEquals(Set.of("w"), f.names());
        }
    }

    @Test
    void fileWithoutMetadataHasEmptyMetadata() {
        try (SafetensorsFile f = open(new SafetensorsWriter().tensor("w", DType.F32, new int[] {1}, 1f))) {
            assertEquals(Map.of(), f.metadata());
        }
    }

    @Test
    void fileWithOnlyMetadataHasNoTensors() {
        try (SafetensorsFile f = open(new SafetensorsWriter().metadata("k", "v"))) {
            assertEquals(Set.of(), f.names());
            assertEquals(Map.of("k", "v"), f.metadata());
        }
    }

    // ---- Weights: scoped, require ------------------------------------------------------------------------

    @Test
    void scopedViewStripsThePrefixAndHidesOtherTensors() {
        SafetensorsWriter w = new SafetensorsWriter()
                .tensor("model.norm.weight", DType.F32, new int[] {2}, 1, 2)
                .tensor("model.layers.0.w", DType.F32, new int[] {1, 2}, 3, 4)
                .tensor("lm_head.weight", DType.F32, new int[] {1}, 5)
                .tensor("modelx", DType.F32, new int[] {1}, 6);
        try (SafetensorsFile f = open(w)) {
            Weights scoped = f.scoped("model.");
            assertEquals(List.of("layers.0.w", "norm.weight"), List.copyOf(scoped.names()));
            assertEquals(FILE, scoped.source());
            TensorView norm = scoped.find("norm.weight").orElseThrow();
            assertEquals("model.norm.weight", norm.name());
            assertArrayEquals(new float[] {1, 2}, norm.toFloatArray());
            assertArrayEquals(new float[] {3, 4}, scoped.require("layers.0.w", 1, 2).toFloatArray());
            assertTrue(scoped.find("lm_head.weight").isEmpty());
            assertTrue(scoped.find("model.norm.weight").isEmpty());
        }
    }

    @Test
    void scopedRequireWithWrongShapeNamesTheFullTensorName() {
        try (SafetensorsFile f = open(new SafetensorsWriter().tensor("model.w", DType.F32, new int[] {2, 3}, new float[6]))) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> f.scoped("model.").require("w", 3, 2));
            assertTrue(e.getMessage().startsWith(FILE + ": "), e.getMessage());
            assertTrue(e.getMessage().contains("'model.w'"), e.getMessage());
        }
    }

    @Test
    void requireWithTheRightShapeReturnsTheTensor() {
        try (SafetensorsFile f = open(new SafetensorsWriter().tensor("w", DType.F32, new int[] {2, 3}, new float[6]))) {
            assertEquals("w", f.require("w", 2, 3).name());
        }
    }

    @Test
    void requireWithWrongShapeIsRefusedNamingTheTensorAndBothShapes() {
        try (SafetensorsFile f = open(new SafetensorsWriter().tensor("q_proj.weight", DType.F32, new int[] {2, 3}, new float[6]))) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> f.require("q_proj.weight", 3, 2));
            assertTrue(e.getMessage().startsWith(FILE + ": "), e.getMessage());
            assertTrue(e.getMessage().contains("'q_proj.weight'"), e.getMessage());
            assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
            assertTrue(e.getMessage().contains("[3, 2]"), e.getMessage());
            assertThrows(ModelFormatException.class, () -> f.require("q_proj.weight", 6));
        }
    }

    @Test
    void requireOfAMissingTensorIsRefusedNamingIt() {
        try (SafetensorsFile f = open(new SafetensorsWriter().tensor("w", DType.F32, new int[] {1}, 1f))) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> f.require("nope", 1));
            assertTrue(e.getMessage().startsWith(FILE + ": "), e.getMessage());
            assertTrue(e.getMessage().contains("'nope'") && e.getMessage().contains("missing"), e.getMessage());
        }
    }

    // ---- hostile and broken files ------------------------------------------------------------------------

    @Test
    void fileShorterThanEightBytesIsRefused() {
        String m = refused(new byte[] {1, 0, 0, 0, 0});
        assertTrue(m.contains("5 bytes is too short"), m);
    }

    @Test
    void emptyFileIsRefused() {
        String m = refused(new byte[0]);
        assertTrue(m.contains("0 bytes is too short"), m);
    }

    @Test
    void headerLengthLargerThanTheFileIsRefused() {
        byte[] header = "{}".getBytes(StandardCharsets.UTF_8);
        String m = refused(SafetensorsWriter.raw(1000, header, new byte[0]));
        assertTrue(m.contains("header of 1000 bytes does not fit"), m);
    }

    @Test
    void headerLengthWithTheTopBitSetIsRefusedAsUnsigned() {
        byte[] header = "{}".getBytes(StandardCharsets.UTF_8);
        String m = refused(SafetensorsWriter.raw(-1L, header, new byte[0]));
        assertTrue(m.contains("does not fit"), m);
        assertTrue(m.contains("18446744073709551615"), m);
    }

    @Test
    void headerLargerThanTheLimitIsRefusedBeforeReadingIt() throws IOException {
        // a sparse file big enough to hold the declared header, so only the limit can refuse it
        long headerLength = SafetensorsHeader.MAX_HEADER_BYTES + 1;
        Path file = SafetensorsWriter.write(dir.resolve(FILE), SafetensorsWriter.raw(headerLength, new byte[0], new byte[0]));
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(8 + headerLength);
        }
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file).close());
        assertTrue(e.getMessage().startsWith(FILE + ": header of " + headerLength + " bytes does not fit the "
                + SafetensorsHeader.MAX_HEADER_BYTES + "-byte limit"), e.getMessage());
    }

    @Test
    void headerThatIsNotJsonIsRefused() {
        String m = refusedHeader("this is not json");
        assertTrue(m.startsWith(FILE + " header: invalid JSON"), m);
    }

    @Test
    void headerThatIsNotUtf8IsRefused() {
        byte[] header = {'{', (byte) 0xff, (byte) 0xfe, '}'};
        String m = refused(SafetensorsWriter.raw(header.length, header, new byte[0]));
        assertTrue(m.contains("not valid UTF-8"), m);
    }

    @Test
    void headerJsonThatIsNotAnObjectIsRefused() {
        String m = refusedHeader("[1, 2, 3]");
        assertTrue(m.contains("expected a JSON object, found an array"), m);
    }

    @Test
    void tensorEntryThatIsNotAnObjectIsRefusedNamingTheTensor() {
        String m = refusedHeader("{\"w\": [1, 2]}");
        assertTrue(m.contains("tensor 'w' must be an object"), m);
    }

    @Test
    void tensorEntryMissingDtypeIsRefusedNamingTheTensor() {
        String m = refusedHeader("{\"w\": {\"shape\": [1], \"data_offsets\": [0, 4]}}", new byte[4]);
        assertTrue(m.contains("tensor 'w' has no dtype"), m);
    }

    @Test
    void dtypeThatIsNotAStringIsRefusedNamingTheTensor() {
        String m = refusedHeader("{\"w\": {\"dtype\": 32, \"shape\": [1], \"data_offsets\": [0, 4]}}", new byte[4]);
        assertTrue(m.contains("tensor 'w' has a dtype that is a number, not a string"), m);
    }

    @Test
    void unknownDtypeIsRefusedNamingIt() {
        String m = refusedHeader("{\"ids\": {\"dtype\": \"I64\", \"shape\": [1], \"data_offsets\": [0, 8]}}", new byte[8]);
        assertTrue(m.contains("'ids'"), m);
        assertTrue(m.contains("I64"), m);
    }

    @Test
    void unknownFieldInATensorEntryIsRefused() {
        String m = refusedHeader("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4], \"x\": 1}}",
                new byte[4]);
        assertTrue(m.contains("tensor 'w' has the unknown field 'x'"), m);
    }

    @Test
    void missingShapeIsRefusedNamingTheTensor() {
        String m = refusedHeader("{\"w\": {\"dtype\": \"F32\", \"data_offsets\": [0, 4]}}", new byte[4]);
        assertTrue(m.contains("tensor 'w' has no shape"), m);
    }

    @Test
    void shapeThatIsNotAListIsRefusedNamingTheTensor() {
        String m = refusedHeader("{\"w\": {\"dtype\": \"F32\", \"shape\": 1, \"data_offsets\": [0, 4]}}", new byte[4]);
        assertTrue(m.contains("tensor 'w' has a shape that is a number, not a list"), m);
    }

    @Test
    void missingDataOffsetsAreRefusedNamingTheTensor() {
        String m = refusedHeader("{\"w\": {\"dtype\": \"F32\", \"shape\": [1]}}", new byte[4]);
        assertTrue(m.contains("tensor 'w' has no data_offsets"), m);
    }

    @Test
    void negativeShapeIsRefusedNamingTheTensor() {
        String m = refusedHeader("{\"w\": {\"dtype\": \"F32\", \"shape\": [-1, 4], \"data_offsets\": [0, 0]}}");
        assertTrue(m.contains("tensor 'w' has the invalid shape"), m);
    }

    @Test
    void nonIntegerShapeIsRefusedNamingTheTensor() {
        String m = refusedHeader("{\"w\": {\"dtype\": \"F32\", \"shape\": [2.5], \"data_offsets\": [0, 8]}}", new byte[8]);
        assertTrue(m.contains("tensor 'w' has the invalid shape"), m);
    }

    @Test
    void shapeDimensionBeyondIntRangeIsRefused() {
        String m = refusedHeader("{\"w\": {\"dtype\": \"F32\", \"shape\": [4294967296], \"data_offsets\": [0, 4]}}",
                new byte[4]);
        assertTrue(m.contains("tensor 'w' has the invalid shape"), m);
    }

    @Test
    void shapeWhoseByteSizeOverflowsIsRefused() {
        String m = refusedHeader("{\"w\": {\"dtype\": \"F32\", \"shape\": [2147483647, 2147483647, 2147483647], "
                + "\"data_offsets\": [0, 4]}}", new byte[4]);
        assertTrue(m.contains("tensor 'w' has the impossibly large shape"), m);
    }

    @Test
    void dataOffsetsWithEndBeforeBeginAreRefused() {
        String m = refusedHeader("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [8, 4]}}", new byte[8]);
        assertTrue(m.contains("tensor 'w' has invalid data_offsets"), m);
    }

    @Test
    void negativeOrMalformedDataOffsetsAreRefused() {
        assertTrue(refusedHeader("{\"w\": {\"dtype\": \"F32\", \"shape\": [0], \"data_offsets\": [-4, -4]}}")
                .contains("invalid data_offsets"));
        assertTrue(refusedHeader("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0]}}", new byte[4])
                .contains("invalid data_offsets"));
        assertTrue(refusedHeader("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, \"4\"]}}", new byte[4])
                .contains("invalid data_offsets"));
    }

    @Test
    void dataOffsetsThatDisagreeWithShapeAndDtypeAreRefused() {
        String m = refusedHeader("{\"w\": {\"dtype\": \"F16\", \"shape\": [2, 2], \"data_offsets\": [0, 16]}}",
                new byte[16]);
        assertTrue(m.contains("tensor 'w'"), m);
        assertTrue(m.contains("8 bytes but its data_offsets span 16 bytes"), m);
    }

    @Test
    void truncatedDataIsRefusedNamingTheTensor() {
        String m = refusedHeader("{\"w\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]}}", new byte[12]);
        assertTrue(m.contains("tensor 'w'"), m);
        assertTrue(m.contains("truncated"), m);
    }

    @Test
    void overlappingTensorsAreRefusedNamingBoth() {
        String m = refusedHeader("{\"first\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]},"
                + " \"second\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}", new byte[12]);
        assertTrue(m.contains("overlap"), m);
        assertTrue(m.contains("'first'") && m.contains("'second'"), m);
    }

    @Test
    void overlapIsFoundWhateverTheOrderInTheHeader() {
        String m = refusedHeader("{\"late\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [8, 16]},"
                + " \"early\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]}}", new byte[16]);
        assertTrue(m.contains("overlap") && m.contains("'late'") && m.contains("'early'"), m);
    }

    @Test
    void bytesBetweenOrAfterTheTensorsAreRefusedAsSafetensorsDoes() {
        String gap = refusedHeader("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]},"
                + " \"b\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [8, 12]}}", new byte[12]);
        assertTrue(gap.contains("bytes 4 to 8 of the data belong to no tensor"), gap);
        String trailing = refusedHeader("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}",
                new byte[12]);
        assertTrue(trailing.contains("8 bytes after the last tensor belong to no tensor"), trailing);
    }

    @Test
    void emptyTensorAtTheSameOffsetAsAnotherIsNoOverlap() {
        Path file = SafetensorsWriter.writeRaw(dir.resolve(FILE),
                "{\"empty\": {\"dtype\": \"F32\", \"shape\": [0], \"data_offsets\": [4, 4]},"
                        + " \"w\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]}}", new byte[8]);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertEquals(Set.of("empty", "w"), f.names());
        }
    }

    @Test
    void overlapHiddenBehindAnEmptyTensorIsStillRefused() {
        String m = refusedHeader("{\"big\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]},"
                + " \"empty\": {\"dtype\": \"F32\", \"shape\": [0], \"data_offsets\": [4, 4]},"
                + " \"inner\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [8, 12]}}", new byte[16]);
        assertTrue(m.contains("overlap") && m.contains("'big'") && m.contains("'inner'"), m);
    }

    @Test
    void metadataWithANonStringValueIsRefusedNamingTheKey() {
        String m = refusedHeader("{\"__metadata__\": {\"format\": \"pt\", \"step\": 1000}}");
        assertTrue(m.contains("__metadata__ entry 'step' must be a string, found a number"), m);
    }

    @Test
    void metadataThatIsNotAnObjectIsRefused() {
        String m = refusedHeader("{\"__metadata__\": \"pt\"}");
        assertTrue(m.contains("__metadata__ must be an object of strings"), m);
    }

    @Test
    void metadataThatIsNullIsRefusedRatherThanTakenAsAbsent() {
        String m = refusedHeader("{\"__metadata__\": null}");
        assertTrue(m.contains("__metadata__ must be an object of strings, found null"), m);
    }

    @Test
    void openingANonexistentPathIsRefusedNamingIt() {
        Path missing = dir.resolve("absent.safetensors");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(missing));
        assertTrue(e.getMessage().startsWith("absent.safetensors: "), e.getMessage());
        assertTrue(e.getMessage().contains("cannot read"), e.getMessage());
    }

    @Test
    void openingADirectoryIsRefused() throws IOException {
        Path sub = Files.createDirectory(dir.resolve("sub.safetensors"));
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(sub));
        assertTrue(e.getMessage().startsWith("sub.safetensors: "), e.getMessage());
    }

    // ---- lifecycle ---------------------------------------------------------------------------------------

    @Test
    void readAfterCloseThrowsIllegalState() {
        SafetensorsFile f = open(new SafetensorsWriter().tensor("w", DType.F32, new int[] {2}, 1, 2));
        TensorView t = f.find("w").orElseThrow();
        f.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, t::toFloatArray);
        assertTrue(e.getMessage().contains(FILE), e.getMessage());
        assertThrows(IllegalStateException.class, () -> t.readRow(0, new float[2], 0));
        assertThrows(IllegalStateException.class, () -> t.read(99, new float[2], 0, 1), "closed wins over range");
        // the header stays readable after close
        assertEquals(Set.of("w"), f.names());
        assertArrayEquals(new int[] {2}, t.shape());
    }

    @Test
    void closingTwiceIsHarmless() {
        SafetensorsFile f = open(new SafetensorsWriter().tensor("w", DType.F32, new int[] {1}, 1f));
        f.close();
        assertDoesNotThrow(f::close);
    }

    @Test
    void closeUnmapsTheFile() throws IOException {
        assumeTrue(Files.isReadable(PROC_MAPS), "needs /proc/self/maps");
        Path file = new SafetensorsWriter().tensor("w", DType.F32, new int[] {1}, 1f).write(dir.resolve("unmap.safetensors"));
        SafetensorsFile f = SafetensorsFile.open(file);
        assertTrue(mapped(file), "mapped while open");
        f.close();
        assertFalse(mapped(file), "still mapped after close");
    }

    @Test
    void fileThatFailsValidationIsLeftUnmappedAndCanBeReplaced() throws IOException {
        Path file = SafetensorsWriter.writeRaw(dir.resolve(FILE),
                "{\"w\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]}}", new byte[8]);
        assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file));
        if (Files.isReadable(PROC_MAPS)) {
            assertFalse(mapped(file), "a refused file stays mapped");
        }
        Files.delete(file);
        assertFalse(Files.exists(file));
        new SafetensorsWriter().tensor("w", DType.F32, new int[] {4}, 1, 2, 3, 4).write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertArrayEquals(new float[] {1, 2, 3, 4}, f.find("w").orElseThrow().toFloatArray());
        }
    }

    @Test
    void viewsAreReadableFromManyThreads() throws Exception {
        float[] values = new float[1024];
        for (int i = 0; i < values.length; i++) {
            values[i] = i - 512;
        }
        try (SafetensorsFile f = open(new SafetensorsWriter().tensor("w", DType.F16, new int[] {32, 32}, values))) {
            TensorView t = f.find("w").orElseThrow();
            List<Thread> threads = new ArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            for (int k = 0; k < 8; k++) {
                threads.add(Thread.ofPlatform().start(() -> {
                    try {
                        for (int rep = 0; rep < 50; rep++) {
                            assertArrayEquals(values, t.toFloatArray());
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                }));
            }
            for (Thread th : threads) {
                th.join();
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
        }
    }

    @Test
    void closeRacingReadsMakesThemFailCleanlyNamingTheFile() throws Exception {
        float[] values = new float[64 * 1024];
        for (int i = 0; i < values.length; i++) {
            values[i] = i % 1000;
        }
        SafetensorsFile f = open(new SafetensorsWriter()
                .tensor("f32", DType.F32, new int[] {values.length}, values)
                .tensor("bf16", DType.BF16, new int[] {values.length}, values));
        CountDownLatch reading = new CountDownLatch(4);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            TensorView t = f.find(k % 2 == 0 ? "f32" : "bf16").orElseThrow();
            threads.add(Thread.ofPlatform().start(() -> {
                float[] dst = new float[values.length];
                reading.countDown();
                try {
                    while (true) {
                        t.read(0, dst, 0, dst.length);
                    }
                } catch (IllegalStateException expected) {
                    if (!expected.getMessage().equals(FILE + " is closed")) {
                        failure.compareAndSet(null, expected);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        reading.await();
        f.close();
        for (Thread th : threads) {
            th.join(10_000);
            assertFalse(th.isAlive(), "a reader kept reading a closed file");
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private SafetensorsFile open(SafetensorsWriter w) {
        return SafetensorsFile.open(w.write(dir.resolve(FILE)));
    }

    /** Opens {@code bytes} as a file, expects a refusal whose message starts with the file name, returns it. */
    private String refused(byte[] bytes) {
        Path file = SafetensorsWriter.write(dir.resolve(FILE), bytes);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> SafetensorsFile.open(file).close());
        assertTrue(e.getMessage().startsWith(FILE), e.getMessage());
        return e.getMessage();
    }

    private String refusedHeader(String header) {
        return refusedHeader(header, new byte[0]);
    }

    private String refusedHeader(String header, byte[] data) {
        return refused(SafetensorsWriter.raw(header, data));
    }

    private static boolean mapped(Path file) throws IOException {
        String path = file.toRealPath().toString();
        return Files.readAllLines(PROC_MAPS).stream().anyMatch(line -> line.endsWith(path));
    }
}

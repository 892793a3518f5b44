package valle.kit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import valle.api.ModelFormatException;

/**
 * The header checks themselves, on files in memory; how each reader maps or copies the tensors, and the refusals
 * through a real file, are tested beside the readers (core's {@code SafetensorsFileTest}, the codec's
 * {@code WeightFileTest}).
 */
class SafetensorsHeaderTest {
    private static final List<String> FLOATS = List.of("F32", "F16", "BF16");

    @Test
    void readsEntriesAndMetadataInFileOrder() {
        SafetensorsHeader h = read("{\"__metadata__\": {\"z\": \"1\", \"a\": \"2\"},"
                + " \"w\": {\"dtype\": \"F16\", \"shape\": [2, 3], \"data_offsets\": [4, 16]},"
                + " \"s\": {\"dtype\": \"F32\", \"shape\": [], \"data_offsets\": [0, 4]},"
                + " \"e\": {\"dtype\": \"BF16\", \"shape\": [0, 5], \"data_offsets\": [16, 16]}}", 16, FLOATS);
        assertEquals(List.of("z", "a"), List.copyOf(h.metadata().keySet()));
        assertEquals(List.of("w", "s", "e"), List.copyOf(h.tensors().keySet()));
        SafetensorsHeader.Tensor w = h.tensors().get("w");
        assertEquals("F16", w.dtype());
        assertArrayEquals(new int[] {2, 3}, w.shape());
        assertEquals(6, w.elements());
        assertEquals(1, h.tensors().get("s").elements());
        assertEquals(0, h.tensors().get("e").elements());
        w.shape()[0] = 99;
        assertArrayEquals(new int[] {2, 3}, w.shape());
    }

    @Test
    void dataStartsAfterTheHeader() {
        byte[] file = file("{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}", 4);
        SafetensorsHeader h = SafetensorsHeader.read(MemorySegment.ofArray(file), "m.sft", FLOATS);
        assertEquals(file.length - 4, h.dataStart());
    }

    @Test
    void takesOnlyTheDtypesTheCallerReads() {
        String f64 = "{\"d\": {\"dtype\": \"F64\", \"shape\": [1], \"data_offsets\": [0, 8]}}";
        assertEquals(1, read(f64, 8, List.of("F32", "F64")).tensors().get("d").elements());
        String m = refused(f64, 8, FLOATS);
        assertTrue(m.contains("tensor 'd' has dtype 'F64'; valle reads F32, F16 and BF16 from this file"), m);
        assertThrows(IllegalArgumentException.class, () -> read(f64, 8, List.of("F128")));
    }

    @Test
    void rangesMustTileTheData() {
        assertTrue(refused("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}", 8, FLOATS)
                .contains("bytes 0 to 4 of the data belong to no tensor"));
        assertTrue(refused("{\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}", 8, FLOATS)
                .contains("4 bytes after the last tensor"));
        assertTrue(refused("{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]},"
                + " \"b\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [4, 12]}}", 12, FLOATS)
                .contains("tensors 'a' and 'b' overlap"));
    }

    @Test
    void metadataMustBeStrings() {
        assertTrue(refused("{\"__metadata__\": {\"n\": 1}}", 0, FLOATS)
                .contains("__metadata__ entry 'n' must be a string, found a number"));
    }

    @Test
    void lengthPrefixMustFitTheFileAndTheLimit() {
        assertTrue(refused(new byte[5]).contains("5 bytes is too short"));
        byte[] past = file("{}", 0);
        ByteBuffer.wrap(past).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1000);
        assertTrue(refused(past).contains("header of 1000 bytes does not fit in a file of"));
    }

    private static SafetensorsHeader read(String header, int dataBytes, List<String> readable) {
        return SafetensorsHeader.read(MemorySegment.ofArray(file(header, dataBytes)), "m.sft", readable);
    }

    private static String refused(String header, int dataBytes, List<String> readable) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> read(header, dataBytes, readable));
        assertTrue(e.getMessage().startsWith("m.sft: "), e.getMessage());
        return e.getMessage();
    }

    private static String refused(byte[] file) {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> SafetensorsHeader.read(MemorySegment.ofArray(file), "m.sft", FLOATS));
        return e.getMessage();
    }

    private static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).put(h).array();
    }
}

package valle.codec.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import valle.api.ModelFormatException;
import valle.api.tensor.Weights;
import valle.codec.Golden;

/** Both weight formats: the published files read alike, and damaged or hostile ones are refused by name. */
class WeightFileTest {

    @Test
    void theTorchAndSafetensorsCopiesHoldTheSameTensors() {
        Weights bin = WeightFile.read(Golden.weights("vocos/pytorch_model.bin"));
        Weights st = WeightFile.read(Golden.weights("vocos/model.safetensors"));
        assertEquals(st.names(), bin.names());
        for (String n : st.names()) {
            assertArrayEquals(st.find(n).orElseThrow().shape(), bin.find(n).orElseThrow().shape(), n);
            assertArrayEquals(st.find(n).orElseThrow().toFloatArray(), bin.find(n).orElseThrow().toFloatArray(), n);
        }
        Weights th = WeightFile.read(Golden.weights("encodec_24khz_tiny.th"));
        assertEquals(252, th.names().size());
        assertArrayEquals(new int[] {1024, 5}, th.find("quantizer.vq.layers.31._codebook.embed").orElseThrow().shape());
    }

    @Test
    void truncatedFilesAreRefusedNamingTheFile(@TempDir Path tmp) throws Exception {
        for (String name : new String[] {"encodec_hf/model.safetensors", "encodec_24khz_tiny.th", "vocos/pytorch_model.bin"}) {
            byte[] raw = Files.readAllBytes(Golden.weights(name));
            Path cut = tmp.resolve(Path.of(name).getFileName());
            Files.write(cut, Arrays.copyOf(raw, raw.length * 2 / 3));
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> WeightFile.read(cut), name);
            assertTrue(e.getMessage().startsWith(cut.getFileName() + ": ") && e.getMessage().contains("truncated"), e.getMessage());
        }
    }

    @Test
    void foreignFilesAreRefused(@TempDir Path tmp) throws Exception {
        Path text = tmp.resolve("weights.bin");
        Files.writeString(text, "hello, this is not a checkpoint");
        assertRefused(text, "neither a safetensors file nor a PyTorch zip checkpoint");
        Path legacy = tmp.resolve("old.th");
        Files.write(legacy, new byte[] {(byte) 0x80, 0x02, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46, (byte) 0xf9,
            0x20, 0x6a, (byte) 0xa8, 0x50, 0x19, 0, 0});
        assertRefused(legacy, "legacy (PyTorch < 1.6)");
    }

    @Test
    void aPickleNamingAnyOtherGlobalIsRefused(@TempDir Path tmp) throws Exception {
        // {'x': os.system('echo')} as protocol 2: GLOBAL 'os system', then REDUCE
        byte[] evil = pickle("}q\u0000X\u0001\u0000\u0000\u0000xcos\nsystem\nX\u0004\u0000\u0000\u0000echo\u0085Rs.");
        Path f = zip(tmp.resolve("evil.th"), "evil/data.pkl", evil);
        assertRefused(f, "global 'os.system' is not allowed");
        byte[] list = pickle("]q\u0000.");
        assertRefused(zip(tmp.resolve("list.th"), "list/data.pkl", list), "not a state dict");
        assertRefused(zip(tmp.resolve("none.th"), "none/other.txt", list), "one <record>/data.pkl");
    }

    @Test
    void aTensorReachingPastItsStorageIsRefused(@TempDir Path tmp) throws Exception {
        // {'w': _rebuild_tensor_v2(storage('0', numel 2), 0, (3,), (1,), False, OrderedDict())}
        String p = "}X\u0001\u0000\u0000\u0000wctorch._utils\n_rebuild_tensor_v2\n((X\u0007\u0000\u0000\u0000storagectorch\nFloatStorage\n"
                + "X\u0001\u0000\u0000\u00000X\u0003\u0000\u0000\u0000cpuK\u0002tQK\u0000K\u0003\u0085K\u0001\u0085\u0089ccollections\nOrderedDict\n)RtRs.";
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(zipped)) {
            stored(z, "m/data.pkl", pickle(p));
            stored(z, "m/data/0", ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1f).putFloat(2f).array());
        }
        Path f = tmp.resolve("m.th");
        Files.write(f, zipped.toByteArray());
        assertRefused(f, "tensor 'w' reaches element 2 of a storage of 2");
    }

    @Test
    void viewsThatOverflowOrOutgrowTheirStorageAreRefusedBeforeAnyAllocation(@TempDir Path tmp) throws Exception {
        // stride 2^62 over 3 elements: the extent, 2^63, overflows a long
        assertRefused(tensorOver(tmp, "overflow.th", "K\u0003\u0085\u008a\u0008\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0040\u0085",
                8), "sizes and strides that overflow");
        // 2^24 elements of stride 0 over a storage of 2: a broadcast that would turn 8 bytes into 64 MiB
        assertRefused(tensorOver(tmp, "broadcast.th", "J\u0000\u0000\u0000\u0001\u0085K\u0000\u0085", 8), "broadcast views");
        // a storage member that holds more than its 2 elements: read no further than the pickle allows
        assertRefused(tensorOver(tmp, "bomb.th", "K\u0002\u0085K\u0001\u0085", 1 << 20), "more than the 8 it can hold");
    }

    @Test
    void memberNamesThatEscapeTheArchiveAreRefused(@TempDir Path tmp) throws Exception {
        for (String name : new String[] {"../evil/data.pkl", "/abs/data.pkl", "a\\b/data.pkl", "C:/x/data.pkl"}) {
            assertRefused(zip(tmp.resolve("escape.th"), name, pickle("}.")), "escapes the archive");
        }
    }

    @Test
    void safetensorsDataMustBeTiledByTheTensors(@TempDir Path tmp) throws Exception {
        assertRefused(safetensors(tmp, "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8),
                "bytes 0 to 4 of the data belong to no tensor");
        assertRefused(safetensors(tmp, "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8),
                "4 bytes after the last tensor");
    }

    /**
     * A checkpoint of one tensor 'w' over a FloatStorage of 2 elements, its size and stride tuples given as pickle
     * opcodes, with {@code storageBytes} zero bytes (deflated) in the storage member.
     */
    private static Path tensorOver(Path dir, String name, String sizeAndStride, int storageBytes) throws Exception {
        String p = "}X\u0001\u0000\u0000\u0000wctorch._utils\n_rebuild_tensor_v2\n((X\u0007\u0000\u0000\u0000storagectorch\nFloatStorage\n"
                + "X\u0001\u0000\u0000\u00000X\u0003\u0000\u0000\u0000cpuK\u0002tQK\u0000" + sizeAndStride
                + "\u0089ccollections\nOrderedDict\n)RtRs.";
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(zipped)) {
            stored(z, "m/data.pkl", pickle(p));
            z.putNextEntry(new ZipEntry("m/data/0"));
            z.write(new byte[storageBytes]);
            z.closeEntry();
        }
        Path f = dir.resolve(name);
        Files.write(f, zipped.toByteArray());
        return f;
    }

    @Test
    void safetensorsHeadersAreCheckedBeforeUse(@TempDir Path tmp) throws Exception {
        assertRefused(safetensors(tmp, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12), "overlap");
        assertRefused(safetensors(tmp, "{\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8), "dtype 'I64'");
        assertRefused(safetensors(tmp, "{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8), "span 8");
    }

    private static Path safetensors(Path dir, String header, int dataBytes) throws Exception {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path f = Files.createTempFile(dir, "w", ".safetensors");
        Files.write(f, b.array());
        return f;
    }

    private static byte[] pickle(String body) {
        byte[] b = body.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[b.length + 2];
        out[0] = (byte) 0x80;
        out[1] = 2;
        System.arraycopy(b, 0, out, 2, b.length);
        return out;
    }

    private static Path zip(Path f, String entry, byte[] content) throws Exception {
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(zipped)) {
            stored(z, entry, content);
        }
        Files.write(f, zipped.toByteArray());
        return f;
    }

    private static void stored(ZipOutputStream z, String name, byte[] content) throws Exception {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(content.length);
        CRC32 crc = new CRC32();
        crc.update(content);
        e.setCrc(crc.getValue());
        z.putNextEntry(e);
        z.write(content);
        z.closeEntry();
    }

    private static void assertRefused(Path f, String problem) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> WeightFile.read(f));
        assertTrue(e.getMessage().startsWith(f.getFileName() + ": ") && e.getMessage().contains(problem), e.getMessage());
    }
}

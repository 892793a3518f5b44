package valle.tck.hostile;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import valle.tck.hostile.HostileFile.Kind;

/**
 * Broken code matrices: {@code .npy} files that are object (pickled) arrays, floats, of the wrong rank,
 * Fortran-ordered or big-endian, with codes outside the codebook, more levels than any codec has, or truncated
 * data; and an {@code .enc} whose pickle names a global outside its allow-list.
 */
final class CodesHostiles {
    private CodesHostiles() {
    }

    static List<HostileFile> write(Path dir) {
        Corpus c = new Corpus(dir.resolve("codes"), Kind.CODES, ".npy");
        c.add("bad-magic", "NUMPY but not really".getBytes(StandardCharsets.US_ASCII), "not a .npy file");
        c.add("object-array", npy("|O", "(2,)", new byte[] {(byte) 0x80, 2, 'c', 'o', 's', '\n', 's', 'y', 's', 't', 'e',
            'm', '\n', '.'}), "object arrays");
        c.add("float-codes", npy("<f4", "(2, 8)", new byte[64]), "integer array");
        c.add("rank-1", npy("<i4", "(8,)", new byte[32]), "[T, levels]");
        c.add("rank-3", npy("<i4", "(1, 2, 8)", new byte[64]), "[T, levels]");
        c.add("fortran-order", npy("<i4", "(2, 8)", new byte[64], true), "Fortran");
        c.add("big-endian", npy(">i4", "(2, 8)", new byte[64]), "big-endian");
        c.add("code-outside-the-codebook", npy("<i4", "(2, 8)", ints(16, 5, 2000)), "outside");
        c.add("negative-code", npy("<i4", "(2, 8)", ints(16, 3, -1)), "outside");
        c.add("more-levels-than-any-codec", npy("<i4", "(2, 40)", ints(80, 0, 1)), "levels");
        c.add("no-frames", npy("<i4", "(0, 8)", new byte[0]), "no frames");
        byte[] whole = npy("<i4", "(100, 8)", ints(800, 0, 7));
        c.add("truncated-data", Arrays.copyOf(whole, whole.length - 100), "truncated");
        Corpus enc = new Corpus(dir.resolve("codes"), Kind.CODES, ".enc");
        enc.add("enc-pickle-global-os-system", new byte[] {(byte) 0x80, 2, 'c', 'o', 's', '\n', 's', 'y', 's', 't', 'e',
            'm', '\n', 'X', 5, 0, 0, 0, 't', 'o', 'u', 'c', 'h', (byte) 0x85, 'R', '.'}, "os");
        return concat(c.files(), enc.files());
    }

    private static List<HostileFile> concat(List<HostileFile> a, List<HostileFile> b) {
        java.util.ArrayList<HostileFile> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** {@code count} little-endian int32 codes, all 7 but {@code value} at index {@code at}. */
    private static byte[] ints(int count, int at, int value) {
        ByteBuffer b = WavBytes.le(4 * count);
        for (int i = 0; i < count; i++) {
            b.putInt(i == at ? value : 7);
        }
        return b.array();
    }

    private static byte[] npy(String descr, String shape, byte[] data) {
        return npy(descr, shape, data, false);
    }

    private static byte[] npy(String descr, String shape, byte[] data, boolean fortran) {
        String header = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': "
                + shape + ", }";
        int pad = (64 - (10 + header.length() + 1) % 64) % 64;
        byte[] text = (header + " ".repeat(pad) + "\n").getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) text.length, (byte) (text.length >> 8)});
        out.writeBytes(text);
        out.writeBytes(data);
        return out.toByteArray();
    }
}

package valle.tck.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import valle.tck.hostile.HostileFile.Kind;

/**
 * Hostile PyTorch zip checkpoints made from a real {@code .th}: pickles that name a global outside a state
 * dict's allow-list (one that would run a shell command if it were ever called), unknown opcodes, truncated
 * pickles, missing or short storage records, member names that escape the archive, truncated archives, and
 * the legacy format.
 */
final class TorchZipHostiles {
    /** What the hostile pickles would run; a test checks that this file never appears. */
    static final String MARKER = "pickle-ran-code";

    private TorchZipHostiles() {
    }

    static List<HostileFile> write(Path golden, Path dir) {
        Corpus c = new Corpus(dir.resolve("torch"), Kind.CODEC_WEIGHTS, ".th");
        byte[] checkpoint;
        try {
            checkpoint = Files.readAllBytes(golden);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, byte[]> entries = entries(golden);
        String record = entries.keySet().stream().filter(n -> n.endsWith("/data.pkl")).findFirst().orElseThrow();
        String prefix = record.substring(0, record.length() - "data.pkl".length());
        String marker = c.dir().resolve(MARKER).toAbsolutePath().toString();

        c.add("global-os-system", zip(entries, record, shellPickle("os", "system", "touch " + marker)), "os.system");
        c.add("global-builtins-eval", zip(entries, record, shellPickle("builtins", "eval",
                "__import__('os').system('touch " + marker + "')")), "builtins.eval");
        c.add("global-subprocess-call-stack-global", zip(entries, record, stackGlobalPickle("subprocess", "call")),
                "subprocess.call");
        c.add("unknown-opcode", zip(entries, record, new byte[] {(byte) 0x80, 2, (byte) 0xFF, '.'}), "opcode");
        byte[] pickle = entries.get(record);
        c.add("truncated-pickle", zip(entries, record, Arrays.copyOf(pickle, pickle.length / 2)), "truncated");
        Map<String, byte[]> noStorage = new LinkedHashMap<>(entries);
        noStorage.keySet().removeIf(n -> n.startsWith(prefix + "data/"));
        c.add("storage-record-missing", zip(noStorage), "missing from the archive");
        Map<String, byte[]> shortStorage = new LinkedHashMap<>(entries);
        String firstStorage = entries.keySet().stream().filter(n -> n.startsWith(prefix + "data/")).findFirst().orElseThrow();
        shortStorage.put(firstStorage, Arrays.copyOf(entries.get(firstStorage), entries.get(firstStorage).length / 2));
        c.add("storage-record-short", zip(shortStorage), "fewer than");
        Map<String, byte[]> escaping = new LinkedHashMap<>(entries);
        escaping.put("../../escaped.txt", "written outside the folder".getBytes(StandardCharsets.US_ASCII));
        c.add("member-name-escapes-the-archive", zip(escaping), "escapes the archive");
        c.add("truncated-zip", Arrays.copyOf(checkpoint, checkpoint.length * 2 / 3), "truncated");
        c.add("legacy-format", new byte[] {(byte) 0x80, 0x02, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c, 0x46,
            (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19, 0, 0}, "legacy");
        c.add("not-a-state-dict", zip(entries, record, new byte[] {(byte) 0x80, 2, ']', 'q', 0, '.'}), "not a state dict");
        return c.files();
    }

    /** {@code GLOBAL module name}, the argument, {@code TUPLE1}, {@code REDUCE}: {@code module.name(argument)}. */
    private static byte[] shellPickle(String module, String name, String argument) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x80, 2, 'c'});
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        byte[] arg = argument.getBytes(StandardCharsets.UTF_8);
        out.write('X');
        out.writeBytes(new byte[] {(byte) arg.length, (byte) (arg.length >> 8), 0, 0});
        out.writeBytes(arg);
        out.writeBytes(new byte[] {(byte) 0x85, 'R', '.'});
        return out.toByteArray();
    }

    /** The protocol-4 form: module and name pushed as strings, then {@code STACK_GLOBAL}. */
    private static byte[] stackGlobalPickle(String module, String name) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x80, 4});
        for (String s : new String[] {module, name}) {
            out.write(0x8c);
            out.write(s.length());
            out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes(new byte[] {(byte) 0x93, ')', 'R', '.'});
        return out.toByteArray();
    }

    /** The members of a zip file, in order (torch writes them stored, which only the central directory describes). */
    static Map<String, byte[]> entries(Path zip) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) {
                try (var in = z.getInputStream(e)) {
                    out.put(e.getName(), in.readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static byte[] zip(Map<String, byte[]> entries, String replaced, byte[] content) {
        Map<String, byte[]> copy = new LinkedHashMap<>(entries);
        copy.put(replaced, content);
        return zip(copy);
    }

    static byte[] zip(Map<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Whether any hostile pickle's command ran (it never may). */
    static boolean markerExists(Path dir) {
        return Files.exists(dir.resolve("torch").resolve(MARKER));
    }
}

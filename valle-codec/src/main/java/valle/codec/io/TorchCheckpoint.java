package valle.codec.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import valle.api.ModelFormatException;
import valle.api.tensor.ArrayTensor;
import valle.api.tensor.TensorView;

/**
 * A {@code torch.save} checkpoint of a state dict in PyTorch's zip format (the default since 1.6): one record
 * folder (its name varies) holding {@code data.pkl}, read as {@link StateDictGlobals} allow, and
 * {@code data/<key>} with each storage's raw little-endian bytes. Every tensor is gathered through its offset
 * and strides into a float32 array. The legacy pre-1.6 format, big-endian archives, missing or short storages
 * and tensors reaching past their storage are refused naming the file.
 */
public final class TorchCheckpoint {
    /** {@code torch.save}'s legacy (non-zip) files start with a pickled magic number. */
    private static final byte[] LEGACY_MAGIC = {(byte) 0x80, 0x02, (byte) 0x8a, 0x0a, 0x6c, (byte) 0xfc, (byte) 0x9c,
        0x46, (byte) 0xf9, 0x20, 0x6a, (byte) 0xa8, 0x50, 0x19};

    /** A state dict's pickle holds names and shapes only: a few MB even for large models. */
    private static final long MAX_PICKLE_BYTES = 256L << 20;

    private TorchCheckpoint() {
    }

    /** Bytes per element of a {@code torch.<name>} storage type, or 0 when it is not one valle reads. */
    static int storageWidth(String name) {
        return switch (name) {
            case "FloatStorage", "IntStorage" -> 4;
            case "HalfStorage", "BFloat16Storage", "ShortStorage" -> 2;
            case "DoubleStorage", "LongStorage" -> 8;
            case "CharStorage", "ByteStorage", "BoolStorage" -> 1;
            default -> 0;
        };
    }

    /** Whether {@code head} (the first bytes of a file) starts like a zip archive. */
    public static boolean looksLike(byte[] head) {
        return head.length >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
    }

    /** Reads the state dict's tensors, in file order. */
    public static List<TensorView> read(Path file, byte[] head) {
        String source = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        if (startsWith(head, LEGACY_MAGIC)) {
            throw new ModelFormatException(source + ": a legacy (PyTorch < 1.6) torch.save file, which valle does not "
                    + "read; re-save it with a newer PyTorch: torch.save(torch.load(f), f)");
        }
        if (!looksLike(head)) {
            throw new ModelFormatException(source + ": not a PyTorch zip checkpoint (no zip header)");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            List<String> pickles = new ArrayList<>();
            for (ZipEntry e : Collections.list(zip.entries())) {
                requireContained(e.getName(), source);
                if (e.getName().endsWith("/data.pkl") && e.getName().indexOf('/') == e.getName().length() - "/data.pkl".length()) {
                    pickles.add(e.getName());
                }
            }
            if (pickles.size() != 1) {
                throw new ModelFormatException(source + ": a PyTorch checkpoint has one <record>/data.pkl, this zip has "
                        + pickles.size() + " (not a torch.save file?)");
            }
            String prefix = pickles.getFirst().substring(0, pickles.getFirst().length() - "data.pkl".length());
            ZipEntry order = zip.getEntry(prefix + "byteorder");
            if (order != null) {
                String bo = new String(bytes(zip, order, source, 16), StandardCharsets.US_ASCII).strip();
                if (!bo.equals("little")) {
                    throw new ModelFormatException(source + ": byte order '" + bo + "' is not supported (little-endian only)");
                }
            }
            Map<String, StateDictGlobals.TensorRef> refs =
                    StateDictGlobals.load(bytes(zip, zip.getEntry(pickles.getFirst()), source, MAX_PICKLE_BYTES), source);
            Map<String, ByteBuffer> storages = new HashMap<>();
            List<TensorView> out = new ArrayList<>(refs.size());
            for (Map.Entry<String, StateDictGlobals.TensorRef> e : refs.entrySet()) {
                StateDictGlobals.TensorRef t = e.getValue();
                StateDictGlobals.Storage s = t.storage();
                ByteBuffer data = storages.get(s.key());
                if (data == null) {
                    ZipEntry entry = zip.getEntry(prefix + "data/" + s.key());
                    if (entry == null) {
                        throw new ModelFormatException(source + ": storage '" + s.key() + "' of tensor '" + e.getKey()
                                + "' is missing from the archive (truncated?)");
                    }
                    data = ByteBuffer.wrap(bytes(zip, entry, source, storageBytes(s, e.getKey(), source)))
                            .order(ByteOrder.LITTLE_ENDIAN);
                    storages.put(s.key(), data);
                }
                out.add(tensor(e.getKey(), t, data, source));
            }
            return out;
        } catch (ZipException e) {
            throw new ModelFormatException(source + ": not a readable zip archive (truncated?): " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ModelFormatException(source + ": cannot read: " + e.getMessage(), e);
        }
    }

    private static TensorView tensor(String name, StateDictGlobals.TensorRef t, ByteBuffer data, String source) {
        StateDictGlobals.Storage s = t.storage();
        int width = storageWidth(s.type());
        if ((long) data.capacity() < s.numel() * width) {
            throw new ModelFormatException(source + ": storage '" + s.key() + "' holds " + data.capacity()
                    + " bytes, fewer than its " + s.numel() + " " + s.type() + " elements (truncated?)");
        }
        long count = 1;
        long last = t.offset();
        try {
            for (int i = 0; i < t.size().length; i++) {
                count = Math.multiplyExact(count, t.size()[i]);
                last = Math.addExact(last, Math.multiplyExact((long) t.size()[i] - 1, t.stride()[i]));
            }
        } catch (ArithmeticException overflow) {
            throw new ModelFormatException(source + ": tensor '" + name + "' has sizes and strides that overflow");
        }
        if (count > 0 && (t.offset() < 0 || last >= s.numel())) {
            throw new ModelFormatException(source + ": tensor '" + name + "' reaches element " + last
                    + " of a storage of " + s.numel());
        }
        if (count > s.numel()) {
            // a broadcast view (stride 0) would let a few stored bytes expand into gigabytes; state dicts hold none
            throw new ModelFormatException(source + ": tensor '" + name + "' has " + count + " elements, more than the "
                    + s.numel() + " of its storage (broadcast views are not supported)");
        }
        float[] v = new float[(int) count];
        int[] idx = new int[t.size().length];
        for (int i = 0; i < v.length; i++) {
            long at = t.offset();
            for (int d = 0; d < idx.length; d++) {
                at += idx[d] * t.stride()[d];
            }
            v[i] = element(data, (int) at, s.type(), width);
            for (int d = idx.length - 1; d >= 0; d--) {
                if (++idx[d] < t.size()[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return new ArrayTensor(name, t.size(), v);
    }

    private static float element(ByteBuffer b, int index, String type, int width) {
        int at = index * width;
        return switch (type) {
            case "FloatStorage" -> b.getFloat(at);
            case "DoubleStorage" -> (float) b.getDouble(at);
            case "HalfStorage" -> Float.float16ToFloat(b.getShort(at));
            case "BFloat16Storage" -> Float.intBitsToFloat((b.getShort(at) & 0xffff) << 16);
            case "LongStorage" -> (float) b.getLong(at);
            case "IntStorage" -> (float) b.getInt(at);
            case "ShortStorage" -> (float) b.getShort(at);
            case "CharStorage" -> (float) b.get(at);
            default -> (float) (b.get(at) & 0xff);
        };
    }

    /**
     * The bytes of {@code entry}, at most {@code limit}. Never more is inflated than the entry declares, so a
     * member that inflates past its declared size (a zip bomb) costs no memory.
     */
    private static byte[] bytes(ZipFile zip, ZipEntry entry, String source, long limit) throws IOException {
        long declared = entry.getSize();
        if (declared > limit) {
            throw new ModelFormatException(source + ": archive member " + entry.getName() + " declares " + declared
                    + " bytes, more than the " + limit + " it can hold");
        }
        int expected = (int) (declared >= 0 ? declared : limit);
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] b = in.readNBytes(expected);
            if (declared >= 0 && (b.length != declared || in.read() != -1)) {
                throw new ModelFormatException(source + ": archive member " + entry.getName() + " does not hold the "
                        + declared + " bytes it declares (truncated or damaged)");
            }
            return b;
        }
    }

    /** The bytes a storage must hold: its element count times its element width. */
    private static long storageBytes(StateDictGlobals.Storage s, String tensor, String source) {
        long bytes;
        try {
            bytes = Math.multiplyExact(s.numel(), storageWidth(s.type()));
        } catch (ArithmeticException overflow) {
            bytes = Long.MAX_VALUE;
        }
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new ModelFormatException(source + ": storage '" + s.key() + "' of tensor '" + tensor + "' claims "
                    + s.numel() + " elements, too many to read into memory");
        }
        return bytes;
    }

    /** Refuses member names that would leave the archive's folder if they were ever extracted. */
    private static void requireContained(String name, String source) {
        boolean escapes = name.startsWith("/") || name.contains("\0") || name.contains("\\")
                || name.matches("^[A-Za-z]:.*");
        for (String part : name.split("/", -1)) {
            escapes |= part.equals("..");
        }
        if (escapes) {
            throw new ModelFormatException(source + ": archive member '" + name + "' has a path that escapes the archive"
                    + " (a hostile or damaged file)");
        }
    }

    private static boolean startsWith(byte[] head, byte[] magic) {
        if (head.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if (head[i] != magic[i]) {
                return false;
            }
        }
        return true;
    }
}

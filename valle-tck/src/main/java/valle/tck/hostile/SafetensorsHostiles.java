package valle.tck.hostile;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import valle.tck.hostile.HostileFile.Kind;

/**
 * Damaged safetensors containers, each made from a real checkpoint with one thing broken: the length prefix,
 * the header text, the byte ranges, the dtypes and shapes (safetensors' own validation classes).
 */
final class SafetensorsHostiles {
    private SafetensorsHostiles() {
    }

    static List<HostileFile> write(byte[] model, Path dir) {
        Corpus c = new Corpus(dir.resolve("safetensors"), Kind.CHECKPOINT, ".sft");
        SafetensorsImage golden = SafetensorsImage.of(model);
        String name = firstTensor(golden);

        c.add("shorter-than-8-bytes", new byte[] {5, 0, 0, 0}, "too short");
        byte[] pastEnd = model.clone();
        ByteBuffer.wrap(pastEnd).order(ByteOrder.LITTLE_ENDIAN).putLong(0, model.length);
        c.add("header-length-past-the-end", pastEnd, "does not fit");
        byte[] absurd = model.clone();
        ByteBuffer.wrap(absurd).order(ByteOrder.LITTLE_ENDIAN).putLong(0, Long.MAX_VALUE / 3);
        c.add("header-length-absurd", absurd, "does not fit");
        c.addSparse("header-over-the-100-MiB-cap", (100L << 20) + 1, "limit");
        c.add("header-not-utf8", SafetensorsImage.bytes(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'},
                new byte[0]), "UTF-8");
        c.add("header-not-an-object", SafetensorsImage.bytes("[1, 2, 3]".getBytes(StandardCharsets.UTF_8), new byte[0]),
                "JSON object");
        c.add("header-not-json", SafetensorsImage.bytes("{\"a\": {\"dtype\": ".getBytes(StandardCharsets.UTF_8),
                new byte[0]), "header");

        c.add("offsets-past-the-end", edit(model, img -> {
            List<String> names = byOffset(img);
            String last = names.get(names.size() - 1);
            List<?> o = (List<?>) img.tensor(last).get("data_offsets");
            offsets(img, last, (Long) o.get(0) + 64, (Long) o.get(1) + 64);
        }), "ends at byte");
        c.add("offsets-reversed", edit(model, img -> {
            List<?> o = (List<?>) img.tensor(name).get("data_offsets");
            offsets(img, name, (Long) o.get(1), (Long) o.get(0));
        }), "data_offsets");
        c.add("offsets-negative", edit(model, img -> offsets(img, name, -8, 0)), "data_offsets");
        c.add("offsets-overlapping", edit(model, img -> {
            String second = secondTensor(img);
            List<?> o = (List<?>) img.tensor(name).get("data_offsets");
            long length = (Long) ((List<?>) img.tensor(second).get("data_offsets")).get(1)
                    - (Long) ((List<?>) img.tensor(second).get("data_offsets")).get(0);
            offsets(img, second, (Long) o.get(0), (Long) o.get(0) + length);
        }), "overlap");
        c.add("offsets-leave-a-gap", edit(model, img -> img.header.remove(name)), "belong to no tensor");
        c.add("data-after-the-last-tensor", concat(model, new byte[16]), "after the last tensor");
        c.add("unknown-dtype", edit(model, img -> img.tensor(name).put("dtype", "F8_E4M3")), "dtype");
        c.add("shape-does-not-match-the-bytes", edit(model, img -> img.tensor(name).put("shape", List.of(3L))),
                "data_offsets span");
        c.add("negative-dimension", edit(model, img -> img.tensor(name).put("shape", List.of(-4L, 8L))), "shape");
        c.add("element-count-overflows", edit(model, img -> img.tensor(name).put("shape",
                List.of(1L << 30, 1L << 30, 1L << 30, 1L << 30))), "shape");
        c.add("truncated", Arrays.copyOf(model, model.length * 2 / 3), "truncated");
        return c.files();
    }

    /** Applies {@code change} to a copy of {@code model} and returns the edited bytes. */
    static byte[] edit(byte[] model, java.util.function.Consumer<SafetensorsImage> change) {
        SafetensorsImage img = SafetensorsImage.of(model);
        change.accept(img);
        return img.bytes();
    }

    private static void offsets(SafetensorsImage img, String name, long begin, long end) {
        img.tensor(name).put("data_offsets", List.of(begin, end));
    }

    /** The tensor whose data comes first, so moving or removing it breaks the tiling in a known way. */
    private static String firstTensor(SafetensorsImage img) {
        return byOffset(img).get(0);
    }

    private static String secondTensor(SafetensorsImage img) {
        return byOffset(img).get(1);
    }

    private static List<String> byOffset(SafetensorsImage img) {
        List<String> names = new ArrayList<>();
        for (Map.Entry<String, Object> e : img.header.entrySet()) {
            if (!e.getKey().equals("__metadata__") && !(((List<?>) ((Map<?, ?>) e.getValue()).get("data_offsets")).get(0)
                    .equals(((List<?>) ((Map<?, ?>) e.getValue()).get("data_offsets")).get(1)))) {
                names.add(e.getKey());
            }
        }
        names.sort((a, b) -> Long.compare((Long) ((List<?>) img.tensor(a).get("data_offsets")).get(0),
                (Long) ((List<?>) img.tensor(b).get("data_offsets")).get(0)));
        return names;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

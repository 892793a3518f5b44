package valle.tck.hostile;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import valle.core.load.JsonWriter;
import valle.kit.io.Json;
import valle.tck.hostile.HostileFile.Kind;

/**
 * Sound safetensors files that are not sound VALL-E checkpoints: the {@code config} or {@code userdata}
 * metadata missing, broken or of the wrong types, a tensor the layout needs missing or of the wrong shape, a
 * weight that is NaN.
 */
final class CheckpointHostiles {
    private CheckpointHostiles() {
    }

    static List<HostileFile> write(byte[] model, Path dir) {
        Corpus c = new Corpus(dir.resolve("checkpoint"), Kind.CHECKPOINT, ".sft");
        c.add("no-config", SafetensorsHostiles.edit(model, img -> img.metadata().remove("config")), "config");
        c.add("config-not-json", SafetensorsHostiles.edit(model, img -> img.metadata().put("config", "{\"name\": ")),
                "config");
        c.add("config-wrong-types", SafetensorsHostiles.edit(model, img -> img.metadata().put("config",
                configWith(img, "resp_levels", "eight"))), "resp_levels");
        c.add("symmap-not-an-object", SafetensorsHostiles.edit(model, img -> img.metadata().put("userdata",
                "{\"symmap\": 5}")), "symmap");
        c.add("symmap-id-not-a-number", SafetensorsHostiles.edit(model, img -> img.metadata().put("userdata",
                "{\"symmap\": {\"a\": \"one\"}}")), "symmap");
        c.add("required-tensor-missing", withoutTensor(model, "text_emb.weight"), "text_emb.weight");
        c.add("tensor-of-the-wrong-shape", SafetensorsHostiles.edit(model, img -> {
            @SuppressWarnings("unchecked")
            List<Long> shape = (List<Long>) img.tensor("model.layers.0.self_attn.q_proj.weight").get("shape");
            img.tensor("model.layers.0.self_attn.q_proj.weight").put("shape", List.of(shape.get(0) / 2, shape.get(1) * 2));
        }), "q_proj");
        c.add("nan-weight", SafetensorsHostiles.edit(model, img -> {
            Map<String, Object> t = img.tensor("model.norm.weight");
            long at = (Long) ((List<?>) t.get("data_offsets")).get(0);
            // F16 quiet NaN
            ByteBuffer.wrap(img.data).order(ByteOrder.LITTLE_ENDIAN).putShort((int) at, (short) 0x7E00);
        }), "NaN");
        return c.files();
    }

    private static String configWith(SafetensorsImage img, String key, Object value) {
        @SuppressWarnings("unchecked")
        Map<String, Object> config = new java.util.LinkedHashMap<>(
                Json.parseObject((String) img.metadata().get("config"), "golden config"));
        config.put(key, value);
        return JsonWriter.write(config);
    }

    /** The checkpoint without {@code name}: its bytes cut out and every later range moved down, so the file stays a sound container. */
    private static byte[] withoutTensor(byte[] model, String name) {
        SafetensorsImage img = SafetensorsImage.of(model);
        List<?> cut = (List<?>) img.tensor(name).get("data_offsets");
        long begin = (Long) cut.get(0);
        long length = (Long) cut.get(1) - begin;
        img.header.remove(name);
        for (Map.Entry<String, Object> e : img.header.entrySet()) {
            if (e.getKey().equals("__metadata__")) {
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> t = (Map<String, Object>) e.getValue();
            List<?> o = (List<?>) t.get("data_offsets");
            if ((Long) o.get(0) >= begin + length) {
                t.put("data_offsets", List.of((Long) o.get(0) - length, (Long) o.get(1) - length));
            }
        }
        byte[] data = new byte[(int) (img.data.length - length)];
        System.arraycopy(img.data, 0, data, 0, (int) begin);
        System.arraycopy(img.data, (int) (begin + length), data, (int) begin, (int) (data.length - begin));
        return SafetensorsImage.bytes(JsonWriter.write(img.header).getBytes(java.nio.charset.StandardCharsets.UTF_8), data);
    }
}

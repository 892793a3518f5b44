package valle.core.model;

import java.util.List;
import java.util.Map;
import valle.api.ModelFormatException;
import valle.kit.io.Json;

/**
 * The reference's {@code Model} config as a checkpoint carries it in {@code __metadata__.config}
 * ({@code docs/spec/valle-reference.md} §1.1, §1.5). Keys the file omits take the reference dataclass defaults,
 * which are <em>not</em> the published values; that is why the file's config is always read.
 *
 * @param name              vanity name; steers the default modality ({@code "ar+nar"}, {@code "ar+nar-len"})
 * @param version           5 for every published model
 * @param size              the {@code size} entry: a preset name ({@code "full"}) or a map of dims
 * @param respLevels        RVQ levels (8)
 * @param tasks             rows of {@code tasks_emb} the config declares
 * @param langs             rows of {@code langs_emb} the config declares
 * @param tones             rows of {@code tones_emb} the config declares
 * @param experts           more than 1 means a mixture-of-experts backbone
 * @param archType          {@code arch_type}
 * @param capabilities      as saved ({@code ar}, {@code nar}, {@code len}, and the {@code lang} the reference appends)
 * @param splitClassifiers  one head per level/task
 * @param audioEmbeddingSums which audio embeddings sum lower levels
 * @param unifiedPositionIds positions 0..S-1 instead of restarting per segment
 * @param noncausalMasks    NAR passes attend bidirectionally
 * @param classifiersBias   heads have biases (the file decides; see {@link ModelLayout})
 * @param causalSize        AR tokens per step
 */
public record ModelConfig(String name, int version, Object size, int respLevels, int tasks, int langs, int tones,
                          int experts, String archType, List<String> capabilities, boolean splitClassifiers,
                          EmbeddingSums audioEmbeddingSums, boolean unifiedPositionIds, boolean noncausalMasks,
                          boolean classifiersBias, int causalSize) {

    /** Which of the two audio embedding modules sum the lower RVQ levels ({@code audio_embedding_sums}). */
    public enum EmbeddingSums {
        NONE, PROMPT, RESPONSE, BOTH;

        public boolean prompt() {
            return this == PROMPT || this == BOTH;
        }

        public boolean response() {
            return this == RESPONSE || this == BOTH;
        }
    }

    /**
     * Reads the config JSON of a checkpoint.
     *
     * @param source the file, for messages
     * @throws ModelFormatException when a value has the wrong type, or the model needs a code path valle
     *                              does not implement (legacy {@code hf}/{@code interleave} models, version &lt; 5)
     */
    public static ModelConfig parse(String json, String source) {
        Map<String, Object> c = Json.parseObject(json, source + " config");
        Map<String, Object> x = c.get("experimental") == null ? Map.of() : map(c, "experimental", source);
        String where = source + " config";
        ModelConfig config = new ModelConfig(
                string(c, "name", "ar+nar", where),
                integer(c, "version", 5, where),
                c.getOrDefault("size", "full"),
                integer(c, "resp_levels", 8, where),
                integer(c, "tasks", 8, where),
                integer(c, "langs", 1, where),
                integer(c, "tones", 1, where),
                integer(c, "experts", 1, where),
                string(c, "arch_type", "llama", where),
                strings(c, "capabilities", List.of("ar", "nar"), where),
                bool(x, "split_classifiers", false, where),
                sums(x.getOrDefault("audio_embedding_sums", Boolean.FALSE), where),
                bool(x, "unified_position_ids", true, where),
                bool(x, "noncausal_masks", false, where),
                bool(x, "classifiers_bias", true, where),
                integer(x, "causal_size", 1, where));
        if (bool(x, "hf", false, where)) {
            throw new ModelFormatException(source + ": experimental.hf models (the legacy unified-vocabulary HF "
                    + "model) are not supported; the published checkpoints do not use it");
        }
        if (bool(x, "interleave", false, where)) {
            throw new ModelFormatException(source + ": experimental.interleave models are not supported");
        }
        if (config.version < 5) {
            throw new ModelFormatException(source + ": model version " + config.version
                    + " is not supported (valle reads version 5, the published models' version)");
        }
        if (config.causalSize != 1) {
            throw new ModelFormatException(source + ": causal_size " + config.causalSize
                    + " is not supported (the published models use 1)");
        }
        return config;
    }

    public boolean has(String capability) {
        return capabilities.contains(capability);
    }

    private static EmbeddingSums sums(Object v, String where) {
        return switch (v) {
            case Boolean b -> b ? EmbeddingSums.BOTH : EmbeddingSums.NONE;
            case String s when s.equals("prom") -> EmbeddingSums.PROMPT;
            case String s when s.equals("resp") -> EmbeddingSums.RESPONSE;
            case null -> EmbeddingSums.NONE;
            default -> throw new ModelFormatException(where + ": experimental.audio_embedding_sums must be true, "
                    + "false, \"prom\" or \"resp\", found " + v);
        };
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> c, String key, String where) {
        if (c.get(key) instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new ModelFormatException(where + ": '" + key + "' must be an object, found " + Json.typeName(c.get(key)));
    }

    private static String string(Map<String, Object> c, String key, String fallback, String where) {
        Object v = c.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof String s) {
            return s;
        }
        throw new ModelFormatException(where + ": '" + key + "' must be a string, found " + Json.typeName(v));
    }

    private static int integer(Map<String, Object> c, String key, int fallback, String where) {
        Object v = c.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Long l && l >= 0 && l <= Integer.MAX_VALUE) {
            return l.intValue();
        }
        throw new ModelFormatException(where + ": '" + key + "' must be a non-negative integer, found " + v);
    }

    private static boolean bool(Map<String, Object> c, String key, boolean fallback, String where) {
        Object v = c.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw new ModelFormatException(where + ": '" + key + "' must be true or false, found " + v);
    }

    private static List<String> strings(Map<String, Object> c, String key, List<String> fallback, String where) {
        Object v = c.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof List<?> l && l.stream().allMatch(e -> e instanceof String)) {
            return l.stream().map(String.class::cast).toList();
        }
        throw new ModelFormatException(where + ": '" + key + "' must be a list of strings, found " + v);
    }
}

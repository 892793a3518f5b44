package valle.core.lora;

import java.util.List;
import java.util.Map;
import valle.api.ModelFormatException;
import valle.kit.io.Json;

/**
 * The reference's LoRA dataclass as {@code lora.sft} carries it in {@code __metadata__.config}.
 *
 * @param name      vanity name
 * @param rank      the adapters' inner width r
 * @param alpha     scales the update: {@code scaling = alpha / rank}
 * @param rvqLevels the RVQ levels the adapter is active for; empty means every level
 */
public record LoraConfig(String name, int rank, double alpha, List<Integer> rvqLevels) {

    public LoraConfig {
        rvqLevels = List.copyOf(rvqLevels);
    }

    /** {@code alpha / rank}, the factor of the low-rank term (the reference's {@code LoRALinear.scaling}). */
    public float scaling() {
        return (float) (alpha / rank);
    }

    /** The reference's {@code active_level}: no levels named means every level. */
    public boolean activeAt(int level) {
        return rvqLevels.isEmpty() || rvqLevels.contains(level);
    }

    /** The same adapter active for {@code levels} instead (the reference's {@code rvq_levels} setting). */
    public LoraConfig withLevels(List<Integer> levels) {
        return new LoraConfig(name, rank, alpha, levels);
    }

    /**
     * Reads the config JSON of a {@code lora.sft}.
     *
     * @throws ModelFormatException when a value is missing or has the wrong type
     */
    public static LoraConfig parse(String json, String source) {
        Map<String, Object> c = Json.parseObject(json, source + " config");
        Object name = c.getOrDefault("name", "lora");
        if (!(c.get("rank") instanceof Long rank) || rank < 1 || rank > Integer.MAX_VALUE) {
            throw new ModelFormatException(source + ": config 'rank' must be a positive integer, found " + c.get("rank"));
        }
        double alpha = switch (c.get("alpha")) {
            case Long l -> l;
            case Double d -> d;
            case null, default -> throw new ModelFormatException(source + ": config 'alpha' must be a number, found "
                    + c.get("alpha"));
        };
        Object levels = c.getOrDefault("rvq_levels", List.of());
        if (!(levels instanceof List<?> list) || !list.stream().allMatch(l -> l instanceof Long v && v >= 0 && v < 1024)) {
            throw new ModelFormatException(source + ": config 'rvq_levels' must be a list of levels, found " + levels);
        }
        if (Boolean.TRUE.equals(c.get("parametrize"))) {
            throw new ModelFormatException(source + ": a LoRA trained with parametrize: true is not supported (the "
                    + "reference itself loads it wrongly: its adapted weights move to '.parametrizations.weight.original')");
        }
        return new LoraConfig(String.valueOf(name), rank.intValue(), alpha,
                list.stream().map(l -> ((Long) l).intValue()).toList());
    }
}

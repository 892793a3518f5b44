package valle.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import valle.api.ModelFormatException;
import valle.api.tensor.TensorView;
import valle.api.tensor.Weights;

/**
 * What a checkpoint holds, detected from its config and its tensor shapes ({@code docs/spec/valle-reference.md}
 * §1.2-§1.5, §4.1): backbone dims, capabilities, the response embedding tables and the classifier heads.
 * Table and head sizes follow the file, trimmed to what the config declares, never grown (the reference
 * would append random rows).
 *
 * @param hiddenSize      D, from {@code text_emb.weight}
 * @param attentionHeads  from the config's {@code size} (preset or {@code heads} entry)
 * @param layers          consecutive {@code model.layers.N.*} blocks in the file, whatever the backbone
 * @param intermediateSize {@code 4·D}, the MLP width the reference gives every backbone that has one; the arch
 *                        plugin checks it against its tensors
 * @param textTokens      usable rows of {@code text_emb}
 * @param langs           usable rows of {@code langs_emb}
 * @param tasks           usable rows of {@code tasks_emb}
 * @param respLevels      RVQ levels
 * @param ar              has the {@code ar} capability
 * @param nar             has the {@code nar} capability
 * @param len             has the {@code len} capability (duration prediction and NAR-len demasking)
 * @param responseTables  name of each {@code resps_emb.embeddings.i}, by index ({@code AR:0:0}, {@code NAR:0:1}, ...)
 * @param classifiers     the split heads {@code classifiers.proj.i}, by index
 * @param classifierBias  whether the heads have biases
 */
public record ModelLayout(int hiddenSize, int attentionHeads, int layers, int intermediateSize, int textTokens,
                          int langs, int tasks, int respLevels, boolean ar, boolean nar, boolean len,
                          List<String> responseTables, List<Head> classifiers, boolean classifierBias) {

    /** Audio codes per level; the AR stop token and the NAR-len mask token are this value. */
    public static final int AUDIO_TOKENS = 1024;
    /** Classes of the {@code len} head: digits 0..9 and the stop 10. */
    public static final int LEN_CLASSES = 11;

    /** A classifier head: its reference name ({@code AR:0:0}, {@code NAR:1:2}, {@code stt}, {@code len}). */
    public record Head(String name, int index, int classes) {
    }

    private record Preset(int dim, int heads) {
    }

    private static final Map<String, Preset> PRESETS = Map.of(
            "full", new Preset(1024, 16), "half", new Preset(512, 8), "quarter", new Preset(256, 4),
            "double", new Preset(1024, 16), "extended", new Preset(1024, 16));

    /** Detects the layout of {@code w} under {@code config}. */
    public static ModelLayout detect(ModelConfig config, Weights w) {
        String src = w.source();
        if (!config.splitClassifiers()) {
            throw new ModelFormatException(src + ": this checkpoint uses one unified classifier "
                    + "(split_classifiers false); valle reads split-classifier models, as published");
        }
        TensorView text = matrix(w, "text_emb.weight", -1);
        int d = text.columns();
        java.util.Set<Integer> blocks = new java.util.HashSet<>();
        for (String name : w.names()) {
            if (name.startsWith("model.layers.")) {
                String rest = name.substring("model.layers.".length());
                int dot = rest.indexOf('.');
                if (dot > 0 && rest.substring(0, dot).chars().allMatch(Character::isDigit) && dot < 9) {
                    blocks.add(Integer.parseInt(rest.substring(0, dot)));
                }
            }
        }
        int layers = 0;
        while (blocks.contains(layers)) {
            layers++;
        }
        if (layers == 0) {
            throw new ModelFormatException(src + ": no backbone layers found (model.layers.0.* is missing)");
        }
        if (layers != blocks.size()) {
            throw new ModelFormatException(src + ": backbone layers are not numbered 0.." + (blocks.size() - 1)
                    + " (layer " + layers + " is missing)");
        }
        int intermediate = 4 * d;
        int heads = heads(config, d, src);

        boolean ar = config.has("ar");
        boolean nar = config.has("nar");
        boolean len = config.has("len");
        int levels = config.respLevels();
        List<String> tables = new ArrayList<>();
        if (!nar) {
            for (int l = 0; l < levels; l++) {
                tables.add("AR:" + l + ":" + l);
            }
        } else {
            tables.add(ar ? "AR:0:0" : "NAR:0:0");
            for (int l = 1; l < levels; l++) {
                tables.add("NAR:" + (l - 1) + ":" + l);
            }
            if (ar && len) {
                tables.add("NAR:0:0");
            }
        }
        for (int i = 0; i < tables.size(); i++) {
            int rows = matrix(w, "resps_emb.embeddings." + i + ".weight", d).rows();
            int wanted = tableRows(tables.get(i));
            if (rows < AUDIO_TOKENS) {
                throw new ModelFormatException(src + ": resps_emb.embeddings." + i + ".weight has " + rows
                        + " rows, table " + tables.get(i) + " needs at least " + AUDIO_TOKENS);
            }
            if (rows < wanted) {
                throw new ModelFormatException(src + ": resps_emb.embeddings." + i + ".weight has " + rows
                        + " rows, table " + tables.get(i) + " needs " + wanted + " (its last row is the "
                        + (tables.get(i).equals("AR:0:0") ? "stop" : "mask") + " token)");
            }
        }
        if (w.find("resps_emb.embeddings." + tables.size() + ".weight").isPresent()) {
            throw new ModelFormatException(src + ": the file has more response embedding tables than the "
                    + "capabilities " + config.capabilities() + " explain (" + tables.size() + " expected)");
        }
        for (int l = 0; l < levels; l++) {
            if (matrix(w, "proms_emb.embeddings." + l + ".weight", d).rows() < AUDIO_TOKENS) {
                throw new ModelFormatException(src + ": proms_emb.embeddings." + l + ".weight has fewer than "
                        + AUDIO_TOKENS + " rows");
            }
        }

        List<String> headNames = new ArrayList<>(tables);
        headNames.add("stt");
        if (len) {
            headNames.add("len");
        }
        List<Head> classifiers = new ArrayList<>();
        for (int i = 0; i < headNames.size(); i++) {
            String name = headNames.get(i);
            int rows = matrix(w, "classifiers.proj." + i + ".weight", d).rows();
            classifiers.add(new Head(name, i, Math.min(rows, headClasses(name))));
        }
        boolean bias = w.find("classifiers.proj.0.bias").isPresent();

        return new ModelLayout(d, heads, layers, intermediate,
                Math.min(text.rows(), 256),
                Math.min(matrix(w, "langs_emb.weight", d).rows(), Math.max(1, config.langs())),
                Math.min(matrix(w, "tasks_emb.weight", d).rows(), Math.max(1, config.tasks())),
                levels, ar, nar, len, List.copyOf(tables), List.copyOf(classifiers), bias);
    }

    /** The head called {@code name}. */
    public Head head(String name) {
        for (Head h : classifiers) {
            if (h.name().equals(name)) {
                return h;
            }
        }
        throw new IllegalArgumentException("this model has no classifier '" + name + "'; it has "
                + classifiers.stream().map(Head::name).toList());
    }

    /** Index of the response embedding table called {@code name}. */
    public int responseTable(String name) {
        int i = responseTables.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("this model has no response table '" + name + "'; it has " + responseTables);
        }
        return i;
    }

    private static int tableRows(String name) {
        return name.equals("AR:0:0") || name.equals("NAR:0:0") ? AUDIO_TOKENS + 1 : AUDIO_TOKENS;
    }

    private static int headClasses(String name) {
        return switch (name) {
            case "stt" -> 256;
            case "len" -> LEN_CLASSES;
            // the demasking head predicts codes only: the mask token is an input, never an output
            case "NAR:0:0" -> AUDIO_TOKENS;
            default -> name.startsWith("AR:") ? AUDIO_TOKENS + 1 : AUDIO_TOKENS;
        };
    }

    private static int heads(ModelConfig config, int d, String src) {
        Object size = config.size();
        if (size instanceof String s) {
            Preset p = PRESETS.get(s);
            if (p == null) {
                throw new ModelFormatException(src + ": unknown model size '" + s + "'; known: " + PRESETS.keySet());
            }
            if (p.dim() != d) {
                throw new ModelFormatException(src + ": config size '" + s + "' means width " + p.dim()
                        + " but text_emb.weight is " + d + " wide");
            }
            return p.heads();
        }
        if (size instanceof Map<?, ?> m && m.get("heads") instanceof Long h && h > 0 && d % h == 0) {
            return h.intValue();
        }
        // the reference ignores a dict size and every preset has 64-wide heads
        if (d % 64 == 0) {
            return d / 64;
        }
        throw new ModelFormatException(src + ": cannot tell the attention heads: config size is " + size
                + " and width " + d + " is not a multiple of 64");
    }

    private static TensorView matrix(Weights w, String name, int width) {
        TensorView t = w.find(name).orElseThrow(() -> new ModelFormatException(
                w.source() + ": tensor '" + name + "' is missing"));
        int[] s = t.shape();
        if (s.length != 2 || (width >= 0 && s[1] != width)) {
            throw new ModelFormatException(w.source() + ": tensor '" + name + "' has shape "
                    + java.util.Arrays.toString(s) + ", expected [rows, " + (width >= 0 ? width : "D") + "]");
        }
        return t;
    }
}

package valle.core.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import valle.api.ModelFormatException;
import valle.kit.io.Json;

/**
 * The VALL-E phoneme tokenizer: a re-implementation of the Hugging Face {@code tokenizers} BPE model that
 * the reference loads from its {@code tokenizer.json}, giving the same ids. Immutable and thread-safe.
 *
 * <p>What is not obvious:
 * <ul>
 *   <li>The file has no normalizer and no pre-tokenizer, so the whole input, spaces included, is one BPE
 *       word.</li>
 *   <li>Several vocab strings share one id (aliases: {@code ä} and {@code ɒ} are {@code a}); merges are
 *       looked up by id pair, as HF does, so an alias merges exactly like the symbol it aliases.</li>
 *   <li>A code point missing from the vocab becomes the unknown id, one per code point (the file sets
 *       {@code fuse_unk} and {@code byte_fallback} false). ASCII {@code g}, uppercase letters and most
 *       digits are unknown.</li>
 *   <li>Offsets count code points, as HF's Python API reports them; they equal {@code String} indices only
 *       for text without supplementary characters.</li>
 *   <li>HF would split literal special-token text such as {@code <bos>} out of the input first; this class
 *       does not, since phoneme strings never contain it.</li>
 * </ul>
 * Files using BPE features this class does not implement (normalizer, pre-tokenizer, dropout, byte
 * fallback, fused unknowns, subword prefix or suffix, ignored merges) are refused rather than misread.
 */
public final class PhonemeTokenizer {
    /** Code point → id for the single-code-point vocab strings, the only ones a word starts from. */
    private final Map<Integer, Integer> symbolIds;
    /** {@link #pair} of the two parts' ids → the merge. */
    private final Map<Long, Merge> merges;
    private final int vocabSize;
    private final int unknownId;
    private final int bosId;
    private final int eosId;

    private record Merge(int rank, int result) {
    }

    private PhonemeTokenizer(Map<Integer, Integer> symbolIds, Map<Long, Merge> merges, int vocabSize,
            int unknownId, int bosId, int eosId) {
        this.symbolIds = Map.copyOf(symbolIds);
        this.merges = Map.copyOf(merges);
        this.vocabSize = vocabSize;
        this.unknownId = unknownId;
        this.bosId = bosId;
        this.eosId = eosId;
    }

    /** Lazily loads the bundled file once; the holder class makes that thread-safe without locking. */
    private static final class Bundled {
        static final PhonemeTokenizer INSTANCE = load();

        private static PhonemeTokenizer load() {
            String name = "tokenizer.json";
            try (InputStream in = PhonemeTokenizer.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("bundled valle/core/text/" + name + " is missing");
                }
                return fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8), "bundled " + name);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read bundled " + name, e);
            }
        }
    }

    /**
     * The tokenizer of the VALL-E reference ({@code data/tokenizer.json} of e-c-k-e-r/vall-e at 0d4329d),
     * bundled with this module; see {@code TOKENIZER-NOTICE.txt} for its licence.
     */
    public static PhonemeTokenizer bundled() {
        return Bundled.INSTANCE;
    }

    /**
     * Reads a Hugging Face {@code tokenizer.json} holding a BPE model whose post-processor is a
     * {@code TemplateProcessing} of the form {@code <bos> $A <eos>}.
     *
     * @param source what the text is, for error messages
     * @throws ModelFormatException naming the source and the problem
     */
    public static PhonemeTokenizer fromJson(String json, String source) {
        Map<String, Object> root = Json.parseObject(json, source);
        for (String absent : List.of("normalizer", "pre_tokenizer")) {
            if (root.get(absent) != null) {
                throw fail(source, absent + " is not supported");
            }
        }
        Map<String, Object> model = object(root, "model", source);
        Object type = model.get("type");
        if (!"BPE".equals(type)) {
            throw fail(source, "model type must be \"BPE\", found " + describe(type));
        }
        for (String absent : List.of("dropout", "continuing_subword_prefix", "end_of_word_suffix")) {
            if (model.get(absent) != null) {
                throw fail(source, "model." + absent + " is not supported");
            }
        }
        for (String off : List.of("fuse_unk", "byte_fallback", "ignore_merges")) {
            if (Boolean.TRUE.equals(model.get(off))) {
                throw fail(source, "model." + off + " is not supported");
            }
        }

        Map<String, Object> vocab = object(model, "model.vocab", source);
        Map<String, Integer> ids = new HashMap<>();
        Map<Integer, Integer> symbolIds = new HashMap<>();
        int maxId = -1;
        for (Map.Entry<String, Object> e : vocab.entrySet()) {
            // Bounding ids by the key count keeps vocabSize, and tables sized by it, in step with the file.
            int id = id(e.getValue(), vocab.size(), "model.vocab \"" + e.getKey() + "\"", source);
            ids.put(e.getKey(), id);
            maxId = Math.max(maxId, id);
            String k = e.getKey();
            if (!k.isEmpty() && k.codePointCount(0, k.length()) == 1) {
                symbolIds.put(k.codePointAt(0), id);
            }
        }
        if (maxId < 0) {
            throw fail(source, "model.vocab is empty");
        }

        List<Object> mergeList = list(model, "model.merges", source);
        Map<Long, Merge> merges = new HashMap<>();
        for (int rank = 0; rank < mergeList.size(); rank++) {
            String[] parts = mergeParts(mergeList.get(rank), rank, source);
            int left = known(ids, parts[0], rank, source);
            int right = known(ids, parts[1], rank, source);
            int result = known(ids, parts[0] + parts[1], rank, source);
            // A repeated id pair keeps its last rank, as HF's map building does.
            merges.put(pair(left, right), new Merge(rank, result));
        }

        Object unkToken = model.get("unk_token");
        if (!(unkToken instanceof String unk) || !ids.containsKey(unk)) {
            throw fail(source, "model.unk_token must name a vocab entry, found " + describe(unkToken));
        }
        int[] bosEos = bosEos(root, maxId + 1, source);
        return new PhonemeTokenizer(symbolIds, merges, maxId + 1, ids.get(unk), bosEos[0], bosEos[1]);
    }

    /** The ids of {@code phonemes}: {@link #bosId()}, the BPE tokens, {@link #eosId()}. */
    public int[] encode(String phonemes) {
        return encodeWithOffsets(phonemes).ids;
    }

    /** Like {@link #encode}, with each token's span of {@code phonemes}. */
    public Encoding encodeWithOffsets(String phonemes) {
        // Symbols live at 1..n so that bos and eos can take the ends without copying.
        int n = phonemes.codePointCount(0, phonemes.length());
        int[] ids = new int[n + 2];
        int[] starts = new int[n + 2];
        int[] ends = new int[n + 2];
        int at = 1;
        for (int i = 0; i < phonemes.length(); i += Character.charCount(phonemes.codePointAt(i))) {
            ids[at] = symbolIds.getOrDefault(phonemes.codePointAt(i), unknownId);
            starts[at] = at - 1;
            ends[at] = at;
            at++;
        }
        // Quadratic in the length, which is a few hundred symbols at most; HF uses a heap for the same order.
        int len = n;
        while (true) {
            int best = -1;
            Merge bestMerge = null;
            for (int k = 1; k < len; k++) {
                Merge m = merges.get(pair(ids[k], ids[k + 1]));
                if (m != null && (bestMerge == null || m.rank < bestMerge.rank)) {
                    best = k;
                    bestMerge = m;
                }
            }
            if (best < 0) {
                break;
            }
            ids[best] = bestMerge.result;
            ends[best] = ends[best + 1];
            int tail = len - best - 1;
            System.arraycopy(ids, best + 2, ids, best + 1, tail);
            System.arraycopy(starts, best + 2, starts, best + 1, tail);
            System.arraycopy(ends, best + 2, ends, best + 1, tail);
            len--;
        }
        ids[0] = bosId;
        ids[len + 1] = eosId;
        starts[len + 1] = 0;
        ends[len + 1] = 0;
        return new Encoding(Arrays.copyOf(ids, len + 2), Arrays.copyOf(starts, len + 2),
                Arrays.copyOf(ends, len + 2));
    }

    /** The number of ids, which is the largest id + 1 (several vocab strings may share an id). */
    public int vocabSize() {
        return vocabSize;
    }

    public int unknownId() {
        return unknownId;
    }

    public int bosId() {
        return bosId;
    }

    public int eosId() {
        return eosId;
    }

    /**
     * Encoded ids with each token's span of the input, in code points; {@code bos} and {@code eos} span
     * {@code [0, 0)}, as in HF.
     */
    public static final class Encoding {
        private final int[] ids;
        private final int[] starts;
        private final int[] ends;

        private Encoding(int[] ids, int[] starts, int[] ends) {
            this.ids = ids;
            this.starts = starts;
            this.ends = ends;
        }

        public int[] ids() {
            return ids.clone();
        }

        public int length() {
            return ids.length;
        }

        /** The first code point of token {@code i}. */
        public int start(int i) {
            return starts[i];
        }

        /** One past the last code point of token {@code i}. */
        public int end(int i) {
            return ends[i];
        }
    }

    private static long pair(int left, int right) {
        return ((long) left << 32) | right;
    }

    /** The two parts of a merge, written {@code "a b"} (older files) or {@code ["a", "b"]}. */
    private static String[] mergeParts(Object merge, int rank, String source) {
        if (merge instanceof String s) {
            // Split on every space, as HF does: a part cannot contain a space.
            String[] parts = s.split(" ", -1);
            if (parts.length == 2) {
                return parts;
            }
        } else if (merge instanceof List<?> l && l.size() == 2 && l.get(0) instanceof String a
                && l.get(1) instanceof String b) {
            return new String[] {a, b};
        }
        throw fail(source,
                "model.merges[" + rank + "] must be \"a b\" or [\"a\", \"b\"], found " + describe(merge));
    }

    private static int known(Map<String, Integer> ids, String token, int rank, String source) {
        Integer id = ids.get(token);
        if (id == null) {
            throw fail(source, "model.merges[" + rank + "] needs \"" + token + "\", not in model.vocab");
        }
        return id;
    }

    /** The ids the {@code TemplateProcessing} post-processor puts before and after a single sequence. */
    private static int[] bosEos(Map<String, Object> root, int vocabSize, String source) {
        Map<String, Object> post = object(root, "post_processor", source);
        if (!"TemplateProcessing".equals(post.get("type"))) {
            throw fail(source, "post_processor type must be TemplateProcessing, found "
                    + describe(post.get("type")));
        }
        List<Object> single = list(post, "post_processor.single", source);
        Map<String, Object> specials = object(post, "post_processor.special_tokens", source);
        if (single.size() != 3 || !"A".equals(piece(single.get(1), "Sequence"))) {
            throw fail(source, "post_processor.single must be [SpecialToken, Sequence A, SpecialToken]");
        }
        return new int[] {special(single.get(0), specials, vocabSize, source),
            special(single.get(2), specials, vocabSize, source)};
    }

    /** The one id of the special token that a template piece names. */
    private static int special(Object piece, Map<String, Object> specials, int vocabSize, String source) {
        Object name = piece(piece, "SpecialToken");
        if (!(name instanceof String s) || !(specials.get(s) instanceof Map<?, ?> token)
                || !(token.get("ids") instanceof List<?> ids) || ids.size() != 1) {
            throw fail(source, "post_processor.single must start and end with a special token of one id,"
                    + " found " + describe(name));
        }
        return id(ids.getFirst(), vocabSize, "post_processor special token \"" + s + "\"", source);
    }

    /** The {@code id} of a template piece {@code {kind: {id: ...}}}, or null if it is not of that kind. */
    private static Object piece(Object piece, String kind) {
        return piece instanceof Map<?, ?> m && m.get(kind) instanceof Map<?, ?> body ? body.get("id") : null;
    }

    private static int id(Object value, int limit, String what, String source) {
        if (!(value instanceof Long l) || l < 0 || l >= limit) {
            throw fail(source, what + " must be an integer in [0, " + limit + "), found " + describe(value));
        }
        return l.intValue();
    }

    /** The object at dotted {@code path}, whose last part is a key of {@code parent}. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> parent, String path, String source) {
        Object v = parent.get(path.substring(path.lastIndexOf('.') + 1));
        if (!(v instanceof Map)) {
            throw fail(source, path + " must be an object, found " + describe(v));
        }
        return (Map<String, Object>) v;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Map<String, Object> parent, String path, String source) {
        Object v = parent.get(path.substring(path.lastIndexOf('.') + 1));
        if (!(v instanceof List)) {
            throw fail(source, path + " must be an array, found " + describe(v));
        }
        return (List<Object>) v;
    }

    private static String describe(Object v) {
        return switch (v) {
            case String s -> "\"" + s + "\"";
            case Number n -> n.toString();
            case Boolean b -> b.toString();
            case null, default -> Json.typeName(v);
        };
    }

    private static ModelFormatException fail(String source, String problem) {
        return new ModelFormatException(source + ": " + problem);
    }
}

package valle.core.text;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import valle.api.ModelFormatException;
import valle.core.speech.SttDecoding;
import valle.kit.io.Json;

/**
 * Phoneme text from token ids, as the reference turns its speech-to-text output into a string
 * ({@code inference.py:423}: {@code tokenizer.decode(ids)} then the replace chain; {@code
 * docs/spec/remaining-features.md} §1.6). Immutable and thread-safe.
 *
 * <p>What is not obvious:
 * <ul>
 *   <li>Fifteen ids have several vocab strings. Which one HF's decoder picks depends on a per-process hash seed;
 *       this class takes the first in the file's order (the plain symbol: {@code " "}, {@code a}, {@code n}, ...),
 *       so its output is one of the reference's possible outputs, always the same one.</li>
 *   <li>The file's ByteLevel decoder maps a token whose every character is in GPT-2's byte alphabet to those
 *       bytes, any other token to its UTF-8; the bytes of all tokens are then read as UTF-8, each ill-formed
 *       subsequence becoming one U+FFFD. So a lone {@code æ} (byte E6) is U+FFFD, and {@code æ ¡ «} happen to
 *       form {@code 桫}.</li>
 * </ul>
 */
public final class PhonemeDecoder {
    /** GPT-2's {@code bytes_to_unicode} inverted: code point → byte, for the 256 code points of its alphabet. */
    private static final Map<Integer, Byte> ALPHABET = alphabet();

    private final String[] tokens;

    private PhonemeDecoder(String[] tokens) {
        this.tokens = tokens;
    }

    private static final class Bundled {
        static final PhonemeDecoder INSTANCE = load();

        private static PhonemeDecoder load() {
            String name = "tokenizer.json";
            try (InputStream in = PhonemeDecoder.class.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("bundled valle/core/text/" + name + " is missing");
                }
                return fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8), "bundled " + name);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read bundled " + name, e);
            }
        }
    }

    /** The decoder of the bundled reference tokenizer (the one {@link PhonemeTokenizer#bundled()} reads). */
    public static PhonemeDecoder bundled() {
        return Bundled.INSTANCE;
    }

    /**
     * Reads the vocab of a Hugging Face {@code tokenizer.json} (its {@code added_tokens} first, as HF looks them up
     * first, then {@code model.vocab} in file order; the first string of an id wins).
     *
     * @throws ModelFormatException naming the source when an id has no string or the vocab is missing
     */
    public static PhonemeDecoder fromJson(String json, String source) {
        Map<String, Object> root = Json.parseObject(json, source);
        Map<Integer, String> byId = new HashMap<>();
        if (root.get("added_tokens") instanceof java.util.List<?> added) {
            for (Object o : added) {
                if (o instanceof Map<?, ?> m && m.get("id") instanceof Number id && m.get("content") instanceof String s) {
                    byId.putIfAbsent(id.intValue(), s);
                }
            }
        }
        if (!(root.get("model") instanceof Map<?, ?> model) || !(model.get("vocab") instanceof Map<?, ?> vocab)) {
            throw new ModelFormatException(source + ": model.vocab is missing");
        }
        int max = -1;
        for (Map.Entry<?, ?> e : vocab.entrySet()) {
            if (e.getValue() instanceof Number id && id.intValue() >= 0 && id.intValue() < vocab.size()) {
                byId.putIfAbsent(id.intValue(), (String) e.getKey());
                max = Math.max(max, id.intValue());
            }
        }
        String[] tokens = new String[max + 1];
        for (int id = 0; id <= max; id++) {
            tokens[id] = byId.get(id);
            if (tokens[id] == null) {
                throw new ModelFormatException(source + ": id " + id + " has no vocab string");
            }
        }
        return new PhonemeDecoder(tokens);
    }

    /** The vocab string of {@code id}. */
    public String token(int id) {
        if (id < 0 || id >= tokens.length) {
            throw new IllegalArgumentException("token id " + id + " is out of range 0.." + (tokens.length - 1));
        }
        return tokens[id];
    }

    /** The text of {@code ids} under {@code mode}. */
    public String decode(int[] ids, SttDecoding mode) {
        String joined = switch (mode) {
            case REFERENCE -> byteLevel(ids);
            case JOINED -> {
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < ids.length; i++) {
                    b.append(i == 0 ? "" : " ").append(token(ids[i]));
                }
                yield b.toString();
            }
        };
        return postProcess(joined);
    }

    /** {@code tokenizer.decode(ids)} with the ByteLevel decoder and no clean-up ({@code decoded_raw}). */
    public String byteLevel(int[] ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : ids) {
            String t = token(id);
            byte[] mapped = new byte[t.length()];
            int n = 0;
            boolean all = true;
            for (int i = 0; i < t.length(); ) {
                int cp = t.codePointAt(i);
                Byte b = ALPHABET.get(cp);
                if (b == null) {
                    all = false;
                    break;
                }
                mapped[n++] = b;
                i += Character.charCount(cp);
            }
            if (all) {
                bytes.write(mapped, 0, n);
            } else {
                bytes.writeBytes(t.getBytes(StandardCharsets.UTF_8));
            }
        }
        // String's UTF-8 decoding replaces each maximal ill-formed subsequence by one U+FFFD, as Rust's lossy one
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The reference's replace chain, written for tokens joined by single spaces. */
    private static String postProcess(String s) {
        return s.replace("   ", "_").replace(" ", "").replace("_", " ");
    }

    private static Map<Integer, Byte> alphabet() {
        Map<Integer, Byte> map = new HashMap<>();
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            map.put(printable ? b : next++, (byte) b);
        }
        return Map.copyOf(map);
    }
}

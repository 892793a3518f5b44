package valle.kit.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import valle.api.ModelFormatException;
import valle.api.Stable;

/**
 * The one strict JSON reader (RFC 8259) of valle, for the JSON that model files carry: safetensors headers and
 * their metadata (the checkpoint config), HF {@code config.json}, {@code tokenizer.json}, golden manifests,
 * request bodies.
 *
 * <p>Values map to {@code Map<String, Object>} (insertion-ordered, unmodifiable), {@code List<Object>}
 * (unmodifiable), {@code String}, {@code Long} (integers that fit), {@code Double} (everything else numeric),
 * {@code Boolean} and {@code null}. The rules, one set for every caller:
 * <ul>
 *   <li>a key repeated with a different value is refused (which one would win differs between readers); a key
 *       repeated with the same value is accepted, since it is harmless and the reference's {@code tokenizer.json}
 *       lists {@code "ˌ": 73} twice;</li>
 *   <li>nesting deeper than {@value #MAX_DEPTH} is refused: real files nest fewer than ten levels, and it bounds
 *       the recursion well inside any thread's stack;</li>
 *   <li>trailing commas, trailing data, leading zeros, control characters in strings, and anything else outside
 *       the grammar are refused, and so are numbers beyond a double (JSON has no infinities).</li>
 * </ul>
 * Errors are {@link ModelFormatException}s that name the source and the character offset of the problem.
 */
@Stable(since = "0.1")
public final class Json {
    /** Deeper nesting is refused: no legitimate file comes near it, and it bounds the recursion. */
    public static final int MAX_DEPTH = 64;

    private final String text;
    private final String source;
    private int pos;

    private Json(String text, String source) {
        this.text = text;
        this.source = source;
    }

    /**
     * Parses {@code text}.
     *
     * @param source what the text is, for error messages ({@code "model.sft header"})
     * @throws ModelFormatException naming the source and character offset of the problem
     */
    public static Object parse(String text, String source) {
        Json p = new Json(text, source);
        p.skipSpace();
        Object v = p.value(0);
        p.skipSpace();
        if (p.pos != text.length()) {
            throw p.error("unexpected data after the JSON value");
        }
        return v;
    }

    /** Parses {@code text}, which must hold a JSON object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> parseObject(String text, String source) {
        Object v = parse(text, source);
        if (!(v instanceof Map)) {
            throw new ModelFormatException(source + ": expected a JSON object, found " + typeName(v));
        }
        return (Map<String, Object>) v;
    }

    /** The JSON type name of a parsed value, for error messages. */
    public static String typeName(Object v) {
        return switch (v) {
            case null -> "null";
            case Map<?, ?> m -> "an object";
            case List<?> l -> "an array";
            case String s -> "a string";
            case Boolean b -> "a boolean";
            case Number n -> "a number";
            default -> v.getClass().getSimpleName();
        };
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw error("nesting deeper than " + MAX_DEPTH);
        }
        if (pos >= text.length()) {
            throw error("unexpected end of input");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("unexpected character '" + c + "'");
            }
        };
    }

    private Map<String, Object> object(int depth) {
        pos++;
        Map<String, Object> out = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '}') {
            pos++;
            return Collections.unmodifiableMap(out);
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw error("expected a string key");
            }
            int keyAt = pos;
            String key = string();
            skipSpace();
            expect(':');
            skipSpace();
            Object v = value(depth + 1);
            if (out.containsKey(key) && !Objects.equals(out.get(key), v)) {
                pos = keyAt;
                throw error("duplicate key \"" + key + "\" with a different value");
            }
            out.put(key, v);
            skipSpace();
            char c = next();
            if (c == '}') {
                return Collections.unmodifiableMap(out);
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) {
        pos++;
        List<Object> out = new ArrayList<>();
        skipSpace();
        if (peek() == ']') {
            pos++;
            return Collections.unmodifiableList(out);
        }
        while (true) {
            skipSpace();
            out.add(value(depth + 1));
            skipSpace();
            char c = next();
            if (c == ']') {
                return Collections.unmodifiableList(out);
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or ']'");
            }
        }
    }

    private String string() {
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                pos--;
                throw error("control character in a string");
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                case '/' -> sb.append('/');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw error("truncated \\u escape");
                    }
                    int cp = 0;
                    for (int i = 0; i < 4; i++) {
                        int d = hexDigit(text.charAt(pos++));
                        if (d < 0) {
                            throw error("bad \\u escape");
                        }
                        cp = cp * 16 + d;
                    }
                    sb.append((char) cp);
                }
                default -> {
                    pos--;
                    throw error("bad escape '\\" + e + "'");
                }
            }
        }
    }

    private Object number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (isDigit(peek())) {
            while (isDigit(peek())) {
                pos++;
            }
        } else {
            throw error("bad number");
        }
        boolean integral = true;
        if (peek() == '.') {
            integral = false;
            pos++;
            if (!isDigit(peek())) {
                throw error("bad number: digits expected after '.'");
            }
            while (isDigit(peek())) {
                pos++;
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!isDigit(peek())) {
                throw error("bad number: digits expected in the exponent");
            }
            while (isDigit(peek())) {
                pos++;
            }
        }
        String s = text.substring(start, pos);
        if (integral) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException beyondLong) {
                // an integer too large for a long is still a number: it reads as a double
            }
        }
        double d = Double.parseDouble(s);
        if (Double.isInfinite(d)) {
            // JSON has no infinities; a config value this large is an attack or a corruption, never a setting
            throw error("number " + (s.length() > 32 ? s.substring(0, 32) + "..." : s) + " is beyond a double");
        }
        return d;
    }

    private Object literal(String word, Object v) {
        if (!text.startsWith(word, pos)) {
            throw error("unexpected token");
        }
        pos += word.length();
        return v;
    }

    private void skipSpace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private char next() {
        if (pos >= text.length()) {
            throw error("unexpected end of input");
        }
        return text.charAt(pos++);
    }

    private void expect(char c) {
        if (next() != c) {
            pos--;
            throw error("expected '" + c + "'");
        }
    }

    /** The value of an ASCII hex digit, or -1 ({@link Character#digit} would take other scripts' digits too). */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private ModelFormatException error(String what) {
        return new ModelFormatException(source + ": invalid JSON at character " + pos + ": " + what);
    }
}

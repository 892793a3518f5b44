package valle.codec.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import valle.api.ModelFormatException;

/**
 * A strict JSON parser (RFC 8259) for config files and safetensors headers: objects become ordered maps,
 * arrays lists, integers {@code Long}, other numbers {@code Double}. Duplicate keys, trailing commas and
 * trailing content are refused. Errors name the source and the offset.
 */
public final class Json {
    private static final int MAX_DEPTH = 64;

    private final String text;
    private final String source;
    private int pos;

    private Json(String text, String source) {
        this.text = text;
        this.source = source;
    }

    /** Parses a document whose top level must be an object. */
    public static Map<String, Object> parseObject(String text, String source) {
        Json p = new Json(text, source);
        p.skipSpace();
        if (p.peek() != '{') {
            throw p.fail("expected a JSON object");
        }
        Object v = p.value(0);
        p.skipSpace();
        if (p.pos != text.length()) {
            throw p.fail("trailing content after the JSON value");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> m = (Map<String, Object>) v;
        return m;
    }

    private Object value(int depth) {
        if (depth > MAX_DEPTH) {
            throw fail("nested deeper than " + MAX_DEPTH + " levels");
        }
        skipSpace();
        char c = peek();
        switch (c) {
            case '{' -> {
                pos++;
                Map<String, Object> m = new LinkedHashMap<>();
                skipSpace();
                if (peek() == '}') {
                    pos++;
                    return Collections.unmodifiableMap(m);
                }
                while (true) {
                    skipSpace();
                    if (peek() != '"') {
                        throw fail("expected a string key");
                    }
                    String key = string();
                    skipSpace();
                    expect(':');
                    Object v = value(depth + 1);
                    if (m.containsKey(key)) {
                        throw fail("duplicate key '" + key + "'");
                    }
                    m.put(key, v);
                    skipSpace();
                    if (peek() == ',') {
                        pos++;
                    } else {
                        expect('}');
                        return Collections.unmodifiableMap(m);
                    }
                }
            }
            case '[' -> {
                pos++;
                List<Object> l = new ArrayList<>();
                skipSpace();
                if (peek() == ']') {
                    pos++;
                    return Collections.unmodifiableList(l);
                }
                while (true) {
                    l.add(value(depth + 1));
                    skipSpace();
                    if (peek() == ',') {
                        pos++;
                    } else {
                        expect(']');
                        return Collections.unmodifiableList(l);
                    }
                }
            }
            case '"' -> {
                return string();
            }
            case 't' -> {
                literal("true");
                return Boolean.TRUE;
            }
            case 'f' -> {
                literal("false");
                return Boolean.FALSE;
            }
            case 'n' -> {
                literal("null");
                return null;
            }
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw fail("unexpected character '" + c + "'");
            }
        }
    }

    private String string() {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw fail("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return sb.toString();
            }
            if (c < 0x20) {
                throw fail("control character in a string");
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw fail("unterminated escape");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    if (pos + 4 > text.length()) {
                        throw fail("truncated \\u escape");
                    }
                    try {
                        sb.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                    } catch (NumberFormatException bad) {
                        throw fail("bad \\u escape");
                    }
                    pos += 4;
                }
                default -> throw fail("bad escape \\" + e);
            }
        }
    }

    private Object number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        boolean integral = true;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c >= '0' && c <= '9') {
                pos++;
            } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
                integral = false;
                pos++;
            } else {
                break;
            }
        }
        String s = text.substring(start, pos);
        if (!s.matches("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?")) {
            throw fail("bad number '" + s + "'");
        }
        try {
            return integral ? (Object) Long.parseLong(s) : (Object) Double.parseDouble(s);
        } catch (NumberFormatException tooLarge) {
            throw fail("number out of range '" + s + "'");
        }
    }

    private void literal(String word) {
        if (!text.startsWith(word, pos)) {
            throw fail("unexpected token");
        }
        pos += word.length();
    }

    private void expect(char c) {
        if (peek() != c) {
            throw fail("expected '" + c + "'");
        }
        pos++;
    }

    private char peek() {
        if (pos >= text.length()) {
            throw fail("unexpected end of input");
        }
        return text.charAt(pos);
    }

    private void skipSpace() {
        while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
    }

    private ModelFormatException fail(String what) {
        return new ModelFormatException(source + ": invalid JSON at offset " + pos + ": " + what);
    }
}

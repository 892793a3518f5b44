package valle.codec.io;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import valle.api.ModelFormatException;

/**
 * The YAML subset model config files use (Vocos' {@code config.yaml}): nested block mappings by space
 * indentation, {@code key: value} scalars (integers, with {@code _} separators as PyYAML allows, decimals,
 * {@code true}/{@code false}, {@code null}/{@code ~}, plain and quoted strings), flow lists of scalars
 * ({@code [1.5, 3.0]}) and {@code #} comments. Anything else (block lists, anchors, multi-line strings, tabs) is
 * refused with a {@link ModelFormatException} naming the file and line, never guessed at.
 */
public final class Yaml {
    private static final Pattern INT = Pattern.compile("[-+]?[0-9][0-9_]*");
    private static final Pattern FLOAT = Pattern.compile("[-+]?([0-9][0-9_]*)?\\.[0-9_]*([eE][-+]?[0-9]+)?|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+");
    /** Deeper nesting is refused: configs nest three or four levels, and it bounds the recursion. */
    private static final int MAX_DEPTH = 64;
    private static final Pattern KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

    private final String source;
    private final List<Line> lines = new ArrayList<>();
    private int at;

    private record Line(int number, int indent, String text) {
    }

    private Yaml(String text, String source) {
        this.source = source;
        String[] raw = text.split("\r?\n", -1);
        for (int i = 0; i < raw.length; i++) {
            String s = stripComment(raw[i], i + 1);
            if (s.isBlank()) {
                continue;
            }
            int indent = 0;
            while (s.charAt(indent) == ' ') {
                indent++;
            }
            if (s.charAt(indent) == '\t') {
                throw fail(i + 1, "tab indentation is not supported");
            }
            lines.add(new Line(i + 1, indent, s.strip()));
        }
    }

    /** Parses a document whose top level is a mapping. */
    public static Map<String, Object> parse(String text, String source) {
        Yaml y = new Yaml(text, source);
        if (y.lines.isEmpty()) {
            throw new ModelFormatException(source + ": the YAML file is empty");
        }
        int indent = y.lines.getFirst().indent();
        Map<String, Object> m = y.mapping(indent, 0);
        if (y.at < y.lines.size()) {
            Line l = y.lines.get(y.at);
            throw y.fail(l.number(), "unexpected indentation");
        }
        return m;
    }

    private Map<String, Object> mapping(int indent, int depth) {
        if (depth > MAX_DEPTH) {
            throw fail(lines.get(at).number(), "mappings nested deeper than " + MAX_DEPTH + " levels");
        }
        Map<String, Object> m = new LinkedHashMap<>();
        while (at < lines.size() && lines.get(at).indent() == indent) {
            Line l = lines.get(at++);
            if (l.text().startsWith("- ") || l.text().equals("-")) {
                throw fail(l.number(), "block lists are not supported (use a flow list [a, b])");
            }
            int colon = keyEnd(l);
            String key = l.text().substring(0, colon).strip();
            if (!KEY.matcher(key).matches()) {
                throw fail(l.number(), "unsupported key '" + key + "'");
            }
            if (m.containsKey(key)) {
                throw fail(l.number(), "duplicate key '" + key + "'");
            }
            String rest = l.text().substring(colon + 1).strip();
            if (!rest.isEmpty()) {
                m.put(key, scalarOrList(rest, l.number()));
            } else if (at < lines.size() && lines.get(at).indent() > indent) {
                m.put(key, mapping(lines.get(at).indent(), depth + 1));
            } else {
                m.put(key, null);
            }
        }
        if (at < lines.size() && lines.get(at).indent() > indent) {
            throw fail(lines.get(at).number(), "unexpected indentation");
        }
        return Collections.unmodifiableMap(m);
    }

    private int keyEnd(Line l) {
        String t = l.text();
        int colon = t.indexOf(':');
        while (colon >= 0 && colon + 1 < t.length() && t.charAt(colon + 1) != ' ') {
            colon = t.indexOf(':', colon + 1);
        }
        if (colon < 0) {
            throw fail(l.number(), "expected 'key: value' or 'key:'");
        }
        return colon;
    }

    private Object scalarOrList(String s, int line) {
        if (s.startsWith("[")) {
            if (!s.endsWith("]")) {
                throw fail(line, "flow lists must close on the same line");
            }
            String body = s.substring(1, s.length() - 1).strip();
            List<Object> out = new ArrayList<>();
            if (!body.isEmpty()) {
                for (String item : body.split(",", -1)) {
                    String v = item.strip();
                    if (v.isEmpty() || v.startsWith("[") || v.startsWith("{")) {
                        throw fail(line, "unsupported flow list item '" + v + "'");
                    }
                    out.add(scalar(v, line));
                }
            }
            return Collections.unmodifiableList(out);
        }
        if (s.startsWith("{") || s.startsWith("&") || s.startsWith("*") || s.startsWith("|") || s.startsWith(">")
                || s.startsWith("!")) {
            throw fail(line, "unsupported YAML value '" + s + "'");
        }
        return scalar(s, line);
    }

    private Object scalar(String s, int line) {
        if (s.length() >= 2 && (s.startsWith("'") && s.endsWith("'") || s.startsWith("\"") && s.endsWith("\""))) {
            String body = s.substring(1, s.length() - 1);
            if (s.startsWith("\"") && body.contains("\\")) {
                throw fail(line, "escapes in double-quoted strings are not supported");
            }
            return s.startsWith("'") ? body.replace("''", "'") : body;
        }
        switch (s) {
            case "true", "True", "TRUE" -> {
                return Boolean.TRUE;
            }
            case "false", "False", "FALSE" -> {
                return Boolean.FALSE;
            }
            case "null", "Null", "NULL", "~" -> {
                return null;
            }
            default -> {
            }
        }
        try {
            if (INT.matcher(s).matches()) {
                return Long.parseLong(s.replace("_", ""));
            }
            if (FLOAT.matcher(s).matches()) {
                return Double.parseDouble(s.replace("_", ""));
            }
        } catch (NumberFormatException e) {
            throw fail(line, "number out of range '" + s + "'");
        }
        return s;
    }

    private String stripComment(String s, int line) {
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if ((c == '\'' || c == '"') && (i == 0 || " :[,".indexOf(s.charAt(i - 1)) >= 0)) {
                // a quote opens a quoted scalar only where one can start; elsewhere it is a plain character
                quote = c;
            } else if (c == '#' && (i == 0 || s.charAt(i - 1) == ' ' || s.charAt(i - 1) == '\t')) {
                return s.substring(0, i);
            }
        }
        if (quote != 0) {
            throw fail(line, "unterminated quoted string");
        }
        return s;
    }

    private ModelFormatException fail(int line, String what) {
        return new ModelFormatException(source + ": line " + line + ": " + what);
    }
}

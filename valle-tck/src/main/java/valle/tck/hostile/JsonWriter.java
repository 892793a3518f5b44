package valle.tck.hostile;

import java.util.List;
import java.util.Map;

/** Writes the values {@link valle.core.load.Json} reads back to compact JSON text. */
final class JsonWriter {
    private JsonWriter() {
    }

    static String write(Object v) {
        StringBuilder out = new StringBuilder();
        append(out, v);
        return out.toString();
    }

    private static void append(StringBuilder out, Object v) {
        switch (v) {
            case null -> out.append("null");
            case String s -> string(out, s);
            case Map<?, ?> m -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    out.append(first ? "" : ",");
                    first = false;
                    string(out, String.valueOf(e.getKey()));
                    out.append(':');
                    append(out, e.getValue());
                }
                out.append('}');
            }
            case List<?> l -> {
                out.append('[');
                for (int i = 0; i < l.size(); i++) {
                    out.append(i == 0 ? "" : ",");
                    append(out, l.get(i));
                }
                out.append(']');
            }
            default -> out.append(v);
        }
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}

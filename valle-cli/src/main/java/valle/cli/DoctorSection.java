package valle.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One section of {@code valle doctor}'s report: a name and its facts in order. The facts are what {@code --json}
 * writes (strings, numbers, booleans, {@code null} for unset, maps, and lists of maps for tables); the text form
 * aligns them, writes a key ending in {@code _bytes} in GiB and a list of maps as a table.
 */
record DoctorSection(String name, Map<String, Object> facts) {

    DoctorSection {
        facts = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(facts));
    }

    void printText(PrintWriter out) {
        out.println(name.replace('_', ' ').toUpperCase(Locale.ROOT));
        int width = facts.keySet().stream().mapToInt(k -> label(k).length()).max().orElse(0);
        for (Map.Entry<String, Object> fact : facts.entrySet()) {
            if (fact.getValue() instanceof List<?> list && !list.isEmpty() && list.getFirst() instanceof Map<?, ?>) {
                out.printf("  %s:%n", label(fact.getKey()));
                printTable(out, list);
            } else {
                out.printf("  %-" + width + "s  %s%n", label(fact.getKey()), text(fact.getKey(), fact.getValue()));
            }
        }
        out.println();
    }

    private static String label(String key) {
        return key.replaceFirst("_bytes$", "").replace('_', ' ');
    }

    private static String text(String key, Object value) {
        return switch (value) {
            case null -> "(unset)";
            case Boolean b -> b ? "yes" : "no";
            case Number n when key.endsWith("_bytes") -> String.format(Locale.ROOT, "%.1f GiB", n.doubleValue() / (1L << 30));
            case Map<?, ?> m -> {
                List<String> parts = new ArrayList<>();
                m.forEach((k, v) -> parts.add(k + " " + text(String.valueOf(k), v)));
                yield String.join(", ", parts);
            }
            case List<?> l -> l.isEmpty() ? "none" : String.join(", ", l.stream().map(String::valueOf).toList());
            default -> String.valueOf(value);
        };
    }

    /** Rows of maps with the same keys, as columns padded to their widest cell; the last column is not padded. */
    private static void printTable(PrintWriter out, List<?> rows) {
        List<String> columns = ((Map<?, ?>) rows.getFirst()).keySet().stream().map(String::valueOf).toList();
        List<List<String>> cells = new ArrayList<>();
        cells.add(columns.stream().map(c -> c.toUpperCase(Locale.ROOT)).toList());
        for (Object row : rows) {
            Map<?, ?> m = (Map<?, ?>) row;
            cells.add(columns.stream().map(c -> text(c, m.get(c))).toList());
        }
        int[] widths = new int[columns.size()];
        for (List<String> line : cells) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], line.get(i).length());
            }
        }
        for (List<String> line : cells) {
            StringBuilder sb = new StringBuilder("    ");
            for (int i = 0; i < widths.length; i++) {
                sb.append(i == widths.length - 1 ? line.get(i) : String.format("%-" + widths[i] + "s  ", line.get(i)));
            }
            out.println(sb.toString().stripTrailing());
        }
    }
}

package valle.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A setting read from a system property, else an environment variable, else its default, as every {@code valle.*}
 * setting is; {@code flags} names the command-line options that override it.
 */
record Setting(String name, String flags, String property, String environment, String fallback) {

    /** The value in force, and where it comes from. */
    Map<String, Object> row() {
        String value = null;
        String source = "default";
        if (property != null && !blank(System.getProperty(property))) {
            value = System.getProperty(property);
            source = "-D" + property;
        } else if (environment != null && !blank(System.getenv(environment))) {
            value = System.getenv(environment);
            source = environment;
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("setting", name);
        row.put("value", value != null ? value : fallback);
        row.put("from", source);
        row.put("set_by", String.join(", ", java.util.stream.Stream.of(flags, property == null ? null : "-D" + property,
                environment).filter(s -> s != null).toList()));
        return row;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}

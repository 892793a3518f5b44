package valle.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A setting read from a system property, else an environment variable, else its default, as every {@code valle.*}
 * setting is; {@code flags} names the command-line options that override it.
 */
record Setting(String name, String flags, String property, String environment, String fallback) {

    /**
     * The value of the system property {@code property}, else of the environment variable {@code environment}, where
     * either is set and not blank (either name may be null); else null.
     */
    static String lookup(String property, String environment) {
        String value = property == null ? null : System.getProperty(property);
        if (blank(value)) {
            value = environment == null ? null : System.getenv(environment);
        }
        return blank(value) ? null : value;
    }

    /** The value in force, and where it comes from. */
    Map<String, Object> row() {
        String fromProperty = lookup(property, null);
        String value = fromProperty != null ? fromProperty : lookup(null, environment);
        String source = fromProperty != null ? "-D" + property : value != null ? environment : "default";
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

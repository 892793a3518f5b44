package valle.codec.io;

import java.util.List;
import java.util.Map;
import valle.api.ModelFormatException;

/**
 * Typed access to a parsed config file (JSON or YAML): a missing key or a value of the wrong type is a
 * {@link ModelFormatException} naming the file and the key's path.
 *
 * @param values the parsed mapping
 * @param source the file, for messages
 * @param path   where this mapping sits in the file ({@code ""} at the top, else {@code "backbone.init_args."})
 */
public record ConfigMap(Map<String, Object> values, String source, String path) {

    public ConfigMap(Map<String, Object> values, String source) {
        this(values, source, "");
    }

    public boolean has(String key) {
        return values.containsKey(key) && values.get(key) != null;
    }

    /** The nested mapping {@code key}. */
    public ConfigMap section(String key) {
        Object v = require(key);
        if (!(v instanceof Map<?, ?> m)) {
            throw wrong(key, "a mapping", v);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> cast = (Map<String, Object>) m;
        return new ConfigMap(cast, source, path + key + ".");
    }

    public int integer(String key) {
        Object v = require(key);
        if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
            return (int) (long) l;
        }
        throw wrong(key, "an integer", v);
    }

    public int integer(String key, int fallback) {
        return has(key) ? integer(key) : fallback;
    }

    public double number(String key) {
        Object v = require(key);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw wrong(key, "a number", v);
    }

    public double number(String key, double fallback) {
        return has(key) ? number(key) : fallback;
    }

    public String string(String key) {
        Object v = require(key);
        if (v instanceof String s) {
            return s;
        }
        throw wrong(key, "a string", v);
    }

    public boolean bool(String key, boolean fallback) {
        if (!has(key)) {
            return fallback;
        }
        Object v = values.get(key);
        if (v instanceof Boolean b) {
            return b;
        }
        throw wrong(key, "true or false", v);
    }

    public int[] integers(String key) {
        List<?> l = list(key);
        int[] out = new int[l.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(l.get(i) instanceof Long v) || v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw wrong(key, "a list of integers", l);
            }
            out[i] = (int) (long) v;
        }
        return out;
    }

    public double[] numbers(String key) {
        List<?> l = list(key);
        double[] out = new double[l.size()];
        for (int i = 0; i < out.length; i++) {
            if (!(l.get(i) instanceof Number v)) {
                throw wrong(key, "a list of numbers", l);
            }
            out[i] = v.doubleValue();
        }
        return out;
    }

    /** A failure about this file, naming {@code key}'s full path. */
    public ModelFormatException fail(String key, String problem) {
        return new ModelFormatException(source + ": " + path + key + " " + problem);
    }

    private List<?> list(String key) {
        Object v = require(key);
        if (v instanceof List<?> l) {
            return l;
        }
        throw wrong(key, "a list", v);
    }

    private Object require(String key) {
        if (!has(key)) {
            throw new ModelFormatException(source + ": " + path + key + " is missing");
        }
        return values.get(key);
    }

    private ModelFormatException wrong(String key, String expected, Object v) {
        return fail(key, "must be " + expected + ", found " + v);
    }
}

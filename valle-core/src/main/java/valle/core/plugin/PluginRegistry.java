package valle.core.plugin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import valle.api.PluginNotFoundException;
import valle.api.ValleException;
import valle.api.plugin.Availability;
import valle.api.plugin.Plugin;

/**
 * The providers of one plugin kind, by name. Built once per {@code Valle} instance (never static); names are
 * checked when it is built and two providers with one name are an error naming both.
 *
 * @param <T> the plugin kind
 */
public final class PluginRegistry<T extends Plugin> {
    /** The name that asks for the best available provider. */
    public static final String AUTO = "auto";

    private final String kind;
    private final Map<String, T> byName;

    private PluginRegistry(String kind, Map<String, T> byName) {
        this.kind = kind;
        this.byName = byName;
    }

    /**
     * A registry of {@code providers}.
     *
     * @param kind what the plugins are, for messages ({@code "attention kernel"})
     * @throws ValleException when a name is invalid or taken twice
     */
    public static <T extends Plugin> PluginRegistry<T> of(String kind, List<? extends T> providers) {
        Map<String, T> byName = new TreeMap<>();
        for (T p : providers) {
            String name = p.name();
            if (!Plugin.isValidName(name) || name.equals(AUTO)) {
                throw new ValleException(kind + " provider " + p.getClass().getName() + " has the invalid name '"
                        + name + "': use lowercase letters, digits and '-', starting with a letter, and not 'auto'");
            }
            T previous = byName.putIfAbsent(name, p);
            if (previous != null) {
                throw new ValleException("two " + kind + " providers are named '" + name + "': "
                        + origin(previous) + " and " + origin(p) + ". Remove one of the modules from the path.");
            }
        }
        return new PluginRegistry<>(kind, byName);
    }

    public String kind() {
        return kind;
    }

    /** Every provider, sorted by name. */
    public List<T> all() {
        return List.copyOf(byName.values());
    }

    /**
     * The provider called {@code name}, or for {@code "auto"} the available one with the highest priority.
     *
     * @throws PluginNotFoundException when no provider has the name, or it cannot run here, listing what exists
     */
    public T get(String name) {
        return select(name, p -> Availability.yes()).plugin();
    }

    /**
     * Resolves {@code name} as {@link #get} does, where {@code supports} must also accept the provider; under
     * {@code auto}, providers it refuses are skipped. The result says why the others lost.
     */
    public Selection<T> select(String name, Function<? super T, Availability> supports) {
        if (name == null || name.isBlank()) {
            throw notFound(String.valueOf(name), "no " + kind + " name given (use a name or 'auto').");
        }
        if (!AUTO.equals(name)) {
            T p = byName.get(name);
            if (p == null) {
                throw notFound(name, "no " + kind + " named '" + name + "'.");
            }
            Availability a = p.availability();
            if (!a.ok()) {
                throw notFound(name, kind + " '" + name + "' cannot run here: " + a + ".");
            }
            Availability supported = supports.apply(p);
            if (!supported.ok()) {
                throw notFound(name, kind + " '" + name + "' does not support this request: " + supported + ".");
            }
            return new Selection<>(p, Map.of());
        }
        List<T> ranked = new ArrayList<>(byName.values());
        ranked.sort(Comparator.comparingInt((T p) -> p.priority()).reversed().thenComparing(Plugin::name));
        Map<String, String> losers = new LinkedHashMap<>();
        T chosen = null;
        for (T p : ranked) {
            Availability a = p.availability();
            if (a.ok()) {
                a = supports.apply(p);
            }
            if (chosen == null && a.ok()) {
                chosen = p;
            } else {
                losers.put(p.name(), a.ok() ? "priority " + p.priority() : a.toString());
            }
        }
        if (chosen == null) {
            StringBuilder why = new StringBuilder("no " + kind + " can run this request.");
            // unavailable providers get their reason in the listing; say why the available ones refused
            losers.forEach((n, reason) -> {
                if (byName.get(n).availability().ok()) {
                    why.append(' ').append(n).append(" does not support it: ").append(reason).append('.');
                }
            });
            throw notFound(AUTO, why.toString());
        }
        return new Selection<>(chosen, losers);
    }

    /** What {@code auto} or a name resolved to, and why every other provider lost. */
    public record Selection<T extends Plugin>(T plugin, Map<String, String> losers) {
        public Selection {
            losers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(losers));
        }

        /** e.g. {@code "sdpa (flash: needs --add-modules jdk.incubator.vector)"}. */
        public String explain() {
            StringBuilder sb = new StringBuilder(plugin.name()).append(" (priority ").append(plugin.priority());
            losers.forEach((n, why) -> sb.append("; ").append(n).append(": ").append(why));
            return sb.append(')').toString();
        }
    }

    private PluginNotFoundException notFound(String requested, String what) {
        List<String> names = new ArrayList<>(byName.keySet());
        StringBuilder sb = new StringBuilder(what);
        if (names.isEmpty()) {
            sb.append(" No ").append(kind).append(" provider was found at all.");
        } else {
            sb.append(" Available here: ");
            List<String> parts = new ArrayList<>();
            for (T p : byName.values()) {
                Availability a = p.availability();
                parts.add(a.ok() ? p.name() : p.name() + " (" + a + ")");
            }
            sb.append(String.join(", ", parts)).append('.');
        }
        // when the providers exist but cannot run, their availability already says what to do
        if (names.isEmpty() || (!AUTO.equals(requested) && !byName.containsKey(requested))) {
            sb.append(" Add the module that provides it to the module path or class path.");
        }
        return new PluginNotFoundException(kind, requested, names, sb.toString());
    }

    private static String origin(Plugin p) {
        Module m = p.getClass().getModule();
        return p.getClass().getName() + " in " + (m.isNamed() ? "module " + m.getName() : "the class path");
    }
}

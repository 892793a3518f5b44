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
 * checked when it is built. One name may have several providers when their {@linkplain Plugin#backend()
 * backends} differ (the {@code llama} arch on java, onnx and djl); two providers with one name on one backend
 * are an error naming both.
 *
 * @param <T> the plugin kind
 */
public final class PluginRegistry<T extends Plugin> {
    /** The name that asks for the best available provider. */
    public static final String AUTO = "auto";

    private final String kind;
    /** Each name's providers, highest priority first. */
    private final Map<String, List<T>> byName;
    /** The backend {@link #onBackend} narrowed this view to, or {@code null}. */
    private final String narrowedTo;

    private PluginRegistry(String kind, Map<String, List<T>> byName, String narrowedTo) {
        this.kind = kind;
        this.byName = byName;
        this.narrowedTo = narrowedTo;
    }

    /**
     * A registry of {@code providers}.
     *
     * @param kind what the plugins are, for messages ({@code "attention kernel"})
     * @throws ValleException when a name or backend is invalid, or a name is taken twice on one backend
     */
    public static <T extends Plugin> PluginRegistry<T> of(String kind, List<? extends T> providers) {
        Map<String, List<T>> byName = new TreeMap<>();
        for (T p : providers) {
            String name = p.name();
            if (!Plugin.isValidName(name) || name.equals(AUTO)) {
                throw new ValleException(kind + " provider " + p.getClass().getName() + " has the invalid name '"
                        + name + "': use lowercase letters, digits and '-', starting with a letter, and not 'auto'");
            }
            String backend = p.backend();
            if (!Plugin.isValidName(backend) || backend.equals(AUTO)) {
                throw new ValleException(kind + " provider " + p.getClass().getName() + " has the invalid backend '"
                        + backend + "': use lowercase letters, digits and '-', starting with a letter, and not 'auto'");
            }
            List<T> same = byName.computeIfAbsent(name, n -> new ArrayList<>());
            for (T previous : same) {
                if (previous.backend().equals(backend)) {
                    throw new ValleException("two " + kind + " providers are named '" + name + "'"
                            + (Plugin.JAVA_BACKEND.equals(backend) ? "" : " on backend '" + backend + "'") + ": "
                            + origin(previous) + " and " + origin(p) + ". Remove one of the modules from the path.");
                }
            }
            same.add(p);
        }
        byName.replaceAll((n, list) -> ranked(list));
        return new PluginRegistry<>(kind, byName, null);
    }

    public String kind() {
        return kind;
    }

    /** Every provider, sorted by name, then highest priority first. */
    public List<T> all() {
        return byName.values().stream().flatMap(List::stream).toList();
    }

    /** Every backend some provider of this kind runs on, sorted. */
    public java.util.SortedSet<String> backends() {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        all().forEach(p -> out.add(p.backend()));
        return out;
    }

    /**
     * The providers on {@code backend} when this kind has any there, else this registry unchanged (a kind no
     * native runtime implements, such as samplers, keeps its java providers); {@code auto} or {@code null}
     * changes nothing. See {@link Plugins#onBackend}.
     */
    public PluginRegistry<T> onBackend(String backend) {
        if (backend == null || AUTO.equals(backend) || !backends().contains(backend)) {
            return this;
        }
        Map<String, List<T>> narrowed = new TreeMap<>();
        byName.forEach((name, list) -> {
            List<T> there = list.stream().filter(p -> p.backend().equals(backend)).toList();
            if (!there.isEmpty()) {
                narrowed.put(name, there);
            }
        });
        return new PluginRegistry<>(kind, narrowed, backend);
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
            List<T> candidates = byName.get(name);
            if (candidates == null) {
                throw notFound(name, "no " + kind + " named '" + name + "'.");
            }
            return best(name, candidates, supports);
        }
        List<T> ranked = ranked(all());
        Map<String, String> losers = new LinkedHashMap<>();
        T chosen = null;
        for (T p : ranked) {
            if (chosen != null) {
                // ranked below the choice, it lost on priority whatever its state: asking would load its native
                // runtime (ONNX Runtime, libtorch: tens of MB resident) for nothing
                losers.put(label(p), "priority " + p.priority());
                continue;
            }
            Availability a = p.availability();
            if (a.ok()) {
                a = supports.apply(p);
            }
            if (a.ok()) {
                chosen = p;
            } else {
                losers.put(label(p), a.toString());
            }
        }
        if (chosen == null) {
            StringBuilder why = new StringBuilder("no " + kind + " can run this request.");
            // unavailable providers get their reason in the listing; say why the available ones refused
            for (T p : ranked) {
                if (p.availability().ok()) {
                    why.append(' ').append(label(p)).append(" does not support it: ").append(losers.get(label(p))).append('.');
                }
            }
            throw notFound(AUTO, why.toString());
        }
        return new Selection<>(chosen, losers);
    }

    /**
     * The first of one name's providers (highest priority first) that can run here and supports the request.
     * With one provider the messages are the plain ones; with several each backend's reason is given.
     */
    private Selection<T> best(String name, List<T> candidates, Function<? super T, Availability> supports) {
        Map<String, String> losers = new LinkedHashMap<>();
        List<String> cannotRun = new ArrayList<>();
        List<String> refuse = new ArrayList<>();
        T chosen = null;
        for (T p : candidates) {
            if (chosen != null) {
                // as under auto: a provider ranked below the choice is not asked whether it can run
                losers.put(label(p), "priority " + p.priority());
                continue;
            }
            Availability a = p.availability();
            Availability supported = a.ok() ? supports.apply(p) : a;
            if (a.ok() && supported.ok()) {
                chosen = p;
            } else if (!a.ok()) {
                cannotRun.add(candidates.size() == 1 ? a.toString() : "on " + p.backend() + ": " + a);
                losers.put(label(p), a.toString());
            } else {
                refuse.add(candidates.size() == 1 ? supported.toString() : "on " + p.backend() + ": " + supported);
                losers.put(label(p), supported.toString());
            }
        }
        if (chosen != null) {
            return new Selection<>(chosen, losers);
        }
        if (refuse.isEmpty()) {
            throw notFound(name, kind + " '" + name + "' cannot run here: " + String.join("; ", cannotRun) + ".");
        }
        throw notFound(name, kind + " '" + name + "' does not support this request: " + String.join("; ", refuse)
                + (cannotRun.isEmpty() ? "" : "; " + String.join("; ", cannotRun)) + ".");
    }

    /** {@code name}, or {@code name on backend} where the name has providers on several backends. */
    private String label(T p) {
        List<T> same = byName.get(p.name());
        return same != null && same.size() > 1 ? p.name() + " on " + p.backend() : p.name();
    }

    private static <T extends Plugin> List<T> ranked(List<T> providers) {
        List<T> out = new ArrayList<>(providers);
        out.sort(Comparator.comparingInt((T p) -> p.priority()).reversed().thenComparing(Plugin::name)
                .thenComparing(Plugin::backend));
        return List.copyOf(out);
    }

    /** What {@code auto} or a name resolved to, and why every other provider lost. */
    public record Selection<T extends Plugin>(T plugin, Map<String, String> losers) {
        public Selection {
            losers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(losers));
        }

        /** e.g. {@code "sdpa (flash: needs --add-modules jdk.incubator.vector)"}. */
        public String explain() {
            StringBuilder sb = new StringBuilder(plugin.name());
            if (!Plugin.JAVA_BACKEND.equals(plugin.backend())) {
                sb.append(" on ").append(plugin.backend());
            }
            sb.append(" (priority ").append(plugin.priority());
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
            for (T p : all()) {
                Availability a = p.availability();
                parts.add(a.ok() ? label(p) : label(p) + " (" + a + ")");
            }
            sb.append(String.join(", ", parts)).append('.');
        }
        // when the providers exist but cannot run, their availability already says what to do
        if (narrowedTo != null) {
            sb.append(" Only ").append(kind).append(" providers on backend '").append(narrowedTo)
                    .append("' were considered (--backend ").append(narrowedTo).append("; auto considers all).");
        }
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

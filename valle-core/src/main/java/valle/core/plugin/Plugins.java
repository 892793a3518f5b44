package valle.core.plugin;

import java.util.List;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import valle.api.arch.Arch;
import valle.api.arch.BackboneConfig;
import valle.api.plugin.Availability;
import valle.api.attention.AttentionKernel;
import valle.api.codec.Codec;
import valle.api.plugin.Plugin;
import valle.api.sample.Sampler;
import valle.api.tensor.WeightFormat;
import valle.api.text.LanguageDetector;
import valle.api.text.Phonemizer;

/**
 * The registries of every plugin kind, discovered with {@link ServiceLoader} from the module path
 * ({@code provides}) and the class path ({@code META-INF/services}).
 */
public record Plugins(PluginRegistry<Arch> archs, PluginRegistry<AttentionKernel> attentionKernels,
                      PluginRegistry<Codec> codecs, PluginRegistry<Sampler> samplers,
                      PluginRegistry<Phonemizer> phonemizers, PluginRegistry<LanguageDetector> languageDetectors) {

    /** The plugin choices, at debug level: an embedding application sees them only when it asks to. */
    private static final Logger LOG = LoggerFactory.getLogger(Plugins.class);

    /** Discovers every provider visible to this module. */
    public static Plugins discover() {
        return new Plugins(
                PluginRegistry.of("arch", load(ServiceLoader.load(Arch.class))),
                PluginRegistry.of("attention kernel", load(ServiceLoader.load(AttentionKernel.class))),
                PluginRegistry.of("codec", load(ServiceLoader.load(Codec.class))),
                PluginRegistry.of("sampler", load(ServiceLoader.load(Sampler.class))),
                PluginRegistry.of("phonemizer", load(ServiceLoader.load(Phonemizer.class))),
                PluginRegistry.of("language detector", load(ServiceLoader.load(LanguageDetector.class))));
    }

    /** Every registry, in a fixed order, for listings. */
    public List<PluginRegistry<? extends Plugin>> all() {
        return List.of(archs, attentionKernels, codecs, samplers, phonemizers, languageDetectors);
    }

    /** Every backend some discovered plugin runs on ({@code java}, {@code onnx}, {@code djl}, ...), sorted. */
    public java.util.SortedSet<String> backends() {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        all().forEach(r -> out.addAll(r.backends()));
        return out;
    }

    /**
     * The selection rule of {@code --backend}: each plugin kind that has a provider on {@code backend} is
     * narrowed to its providers there (so {@code --backend onnx} runs the {@code llama} arch on ONNX Runtime,
     * and a checkpoint whose arch has no ONNX provider is refused, naming the backend); a kind with none there
     * (attention kernels, samplers, phonemizers, language detectors, and codecs until a backend provides one) keeps its java
     * providers. {@code auto} (or {@code null}) narrows nothing: every name then resolves to its available
     * provider with the highest priority, and the backends' priorities come from measured speed (docs/backends.md).
     *
     * @throws PluginNotFoundException when no discovered plugin runs on {@code backend}
     */
    public Plugins onBackend(String backend) {
        if (backend == null || PluginRegistry.AUTO.equals(backend)) {
            return this;
        }
        java.util.SortedSet<String> known = backends();
        if (!known.contains(backend)) {
            throw new valle.api.PluginNotFoundException("backend", backend, List.copyOf(known),
                    "no plugin runs on backend '" + backend + "'. Backends here: " + String.join(", ", known)
                            + " (or auto). Add the backend's module (valle-backend-" + backend
                            + ") to the module path or class path.");
        }
        LOG.debug("backend: {}", backend);
        return new Plugins(archs.onBackend(backend), attentionKernels.onBackend(backend), codecs.onBackend(backend),
                samplers.onBackend(backend), phonemizers.onBackend(backend), languageDetectors.onBackend(backend));
    }

    /**
     * The name to use for a plugin kind: the explicit choice if given, else the system property
     * {@code valle.<key>}, else the environment variable {@code VALLE_<KEY>}, else {@code auto}.
     *
     * @param key the setting's key, e.g. {@code "attention"} or {@code "arch"}
     */
    public static String chosenName(String key, String explicit) {
        if (explicit != null && !explicit.isBlank()) {
            return explicit;
        }
        String property = System.getProperty("valle." + key);
        if (property != null && !property.isBlank()) {
            return property;
        }
        String env = System.getenv("VALLE_" + key.toUpperCase(Locale.ROOT).replace('-', '_'));
        if (env != null && !env.isBlank()) {
            return env;
        }
        return PluginRegistry.AUTO;
    }

    /**
     * The arch plugin for {@code config}: the one named {@code name} (through {@link #chosenName}, so null
     * means the usual chain), or under {@code auto} the best available one that supports it.
     *
     * @throws valle.api.PluginNotFoundException when none fits, saying why
     */
    public Arch selectArch(String name, BackboneConfig config) {
        return selectArch(name, config, null);
    }

    /**
     * As {@link #selectArch(String, BackboneConfig)}, among the archs that also store linear layers in
     * {@code format} ({@link Arch#supportsFormat}; null: the file dtype, which every arch keeps).
     */
    public Arch selectArch(String name, BackboneConfig config, WeightFormat format) {
        String chosen = chosenName("arch", name);
        PluginRegistry.Selection<Arch> s = archs.select(chosen, a -> {
            Availability builds = a.supports(config);
            return builds.ok() && format != null ? a.supportsFormat(format) : builds;
        });
        LOG.debug("arch: {} -> {}", chosen, s.explain());
        return s.plugin();
    }

    /**
     * The attention kernel named {@code name} (through {@link #chosenName}), or under {@code auto} one that
     * picks the best available kernel per problem.
     */
    public AttentionKernel attention(String name) {
        String chosen = chosenName("attention", name);
        if (PluginRegistry.AUTO.equals(chosen)) {
            return new AutoAttention(attentionKernels);
        }
        PluginRegistry.Selection<AttentionKernel> s = attentionKernels.select(chosen, k -> Availability.yes());
        LOG.debug("attention: {}", s.explain());
        return s.plugin();
    }

    private static <T> List<T> load(ServiceLoader<T> loader) {
        return loader.stream().map(Plugins::make).toList();
    }

    /**
     * The provider's instance. A provider that refuses a setting while it is made (an attention kernel sizing its
     * pool from a bad {@code VALLE_THREADS}) reports that refusal, which names the setting, rather than the
     * loader's "could not be instantiated".
     */
    private static <T> T make(ServiceLoader.Provider<T> provider) {
        try {
            return provider.get();
        } catch (ServiceConfigurationError e) {
            if (e.getCause() instanceof IllegalArgumentException refused) {
                throw refused;
            }
            throw e;
        }
    }
}

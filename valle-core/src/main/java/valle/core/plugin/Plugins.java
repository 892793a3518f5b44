package valle.core.plugin;

import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import valle.api.arch.Arch;
import valle.api.arch.BackboneConfig;
import valle.api.plugin.Availability;
import valle.api.attention.AttentionKernel;
import valle.api.codec.Codec;
import valle.api.plugin.Plugin;
import valle.api.sample.Sampler;
import valle.api.text.Phonemizer;

/**
 * The registries of every plugin kind, discovered with {@link ServiceLoader} from the module path
 * ({@code provides}) and the class path ({@code META-INF/services}).
 */
public record Plugins(PluginRegistry<Arch> archs, PluginRegistry<AttentionKernel> attentionKernels,
                      PluginRegistry<Codec> codecs, PluginRegistry<Sampler> samplers,
                      PluginRegistry<Phonemizer> phonemizers) {

    private static final System.Logger LOG = System.getLogger("valle");

    /** Discovers every provider visible to this module. */
    public static Plugins discover() {
        return new Plugins(
                PluginRegistry.of("arch", load(ServiceLoader.load(Arch.class))),
                PluginRegistry.of("attention kernel", load(ServiceLoader.load(AttentionKernel.class))),
                PluginRegistry.of("codec", load(ServiceLoader.load(Codec.class))),
                PluginRegistry.of("sampler", load(ServiceLoader.load(Sampler.class))),
                PluginRegistry.of("phonemizer", load(ServiceLoader.load(Phonemizer.class))));
    }

    /** Every registry, in a fixed order, for listings. */
    public List<PluginRegistry<? extends Plugin>> all() {
        return List.of(archs, attentionKernels, codecs, samplers, phonemizers);
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
        String chosen = chosenName("arch", name);
        PluginRegistry.Selection<Arch> s = archs.select(chosen, a -> a.supports(config));
        LOG.log(System.Logger.Level.INFO, "arch: {0} -> {1}", chosen, s.explain());
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
        LOG.log(System.Logger.Level.INFO, "attention: {0}", s.explain());
        return s.plugin();
    }

    private static <T> List<T> load(ServiceLoader<T> loader) {
        return loader.stream().map(ServiceLoader.Provider::get).toList();
    }
}

package valle.core;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import java.lang.System.Logger.Level;
import valle.api.arch.Arch;
import valle.api.attention.AttentionKernel;
import valle.core.infer.CodeGenerator;
import valle.core.load.CheckpointLocation;
import valle.core.speech.SpeechSynthesizer;
import valle.core.model.ValleModel;
import valle.core.sample.SamplingPipeline;
import valle.api.plugin.Availability;
import valle.core.plugin.AutoAttention;
import valle.core.plugin.PluginRegistry;
import valle.core.plugin.Plugins;
import valle.core.text.PhonemeTokenizer;
import valle.core.text.TextEncoder;
import valle.api.PluginNotFoundException;
import valle.api.text.Phonemizer;

/** Guice wiring of one {@link Valle} instance: its registries, tokenizer and model. */
final class ValleModule extends AbstractModule {
    private static final System.Logger LOG = System.getLogger("valle");
    private final ValleSettings settings;

    ValleModule(ValleSettings settings) {
        this.settings = settings;
    }

    /** The discovered plugins, narrowed to the chosen backend ({@link Plugins#onBackend}). */
    @Provides
    @Singleton
    Plugins plugins() {
        String backend = Plugins.chosenName("backend", settings.backend());
        Plugins plugins = Plugins.discover().onBackend(backend);
        if (!PluginRegistry.AUTO.equals(backend)) {
            LOG.log(Level.INFO, "backend: {0}", backend);
        }
        return plugins;
    }

    @Provides
    @Singleton
    PhonemeTokenizer tokenizer() {
        return PhonemeTokenizer.bundled();
    }

    @Provides
    @Singleton
    TextEncoder textEncoder(Plugins plugins, PhonemeTokenizer tokenizer) {
        String name = Plugins.chosenName("phonemizer", settings.phonemizer());
        return new TextEncoder(tokenizer, language -> phonemizer(plugins.phonemizers(), name, language));
    }

    /**
     * The phonemizer {@code name} resolves to for {@code language}. A language that every runnable phonemizer
     * refuses is the caller's mistake, not a missing plugin, so it is reported as such.
     */
    private static Phonemizer phonemizer(PluginRegistry<Phonemizer> registry, String name, String language) {
        try {
            return registry.select(name, p -> p.supports(language)).plugin();
        } catch (PluginNotFoundException e) {
            for (Phonemizer p : registry.all()) {
                boolean asked = PluginRegistry.AUTO.equals(name) || p.name().equals(name);
                if (asked && p.availability().ok()) {
                    throw new IllegalArgumentException(p.supports(language).toString());
                }
            }
            throw e;
        }
    }

    @Provides
    @Singleton
    SamplingPipeline samplingPipeline(Plugins plugins) {
        return new SamplingPipeline(plugins.samplers().all());
    }

    @Provides
    @Singleton
    CodeGenerator generator(ValleModel model, SamplingPipeline pipeline) {
        return new CodeGenerator(model, pipeline);
    }

    @Provides
    @Singleton
    SpeechSynthesizer synthesizer(CodeGenerator generator, TextEncoder textEncoder, PhonemeTokenizer tokenizer) {
        return new SpeechSynthesizer(generator, textEncoder, tokenizer);
    }

    @Provides
    @Singleton
    AttentionKernel attention(Plugins plugins) {
        String name = Plugins.chosenName("attention", settings.attention());
        if (PluginRegistry.AUTO.equals(name)) {
            return new AutoAttention(plugins.attentionKernels());
        }
        PluginRegistry.Selection<AttentionKernel> s = plugins.attentionKernels().select(name, k -> Availability.yes());
        LOG.log(Level.INFO, "attention: {0}", s.explain());
        return s.plugin();
    }

    @Provides
    @Singleton
    ValleModel model(Plugins plugins, com.google.inject.Provider<AttentionKernel> attention) {
        if (settings.model() == null) {
            throw new IllegalStateException("no model was given: call Valle.builder().model(path)");
        }
        String archName = Plugins.chosenName("arch", settings.arch());
        return ValleModel.load(CheckpointLocation.resolve(settings.model()), config -> {
            PluginRegistry.Selection<Arch> s = plugins.archs().select(archName, a -> a.supports(config));
            LOG.log(Level.INFO, "arch: {0} -> {1}", archName, s.explain());
            return s.plugin();
        }, attention::get);
    }
}

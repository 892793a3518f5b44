package valle.core;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import valle.api.PluginNotFoundException;
import valle.api.attention.AttentionKernel;
import valle.api.tensor.WeightFormat;
import valle.api.text.Phonemizer;
import valle.core.infer.CodeGenerator;
import valle.core.infer.Transcriber;
import valle.core.infer.SpeechSynthesizer;
import valle.core.load.CheckpointLocation;
import valle.core.lora.LoraOptions;
import valle.core.model.ValleModel;
import valle.core.plugin.PluginRegistry;
import valle.core.plugin.Plugins;
import valle.core.sample.SamplingPipeline;
import valle.core.text.PhonemeDecoder;
import valle.core.text.PhonemeTokenizer;
import valle.core.text.TextEncoder;

/** Guice wiring of one {@link Valle} instance: its registries, tokenizer and model. */
final class ValleModule extends AbstractModule {
    private final ValleSettings settings;

    ValleModule(ValleSettings settings) {
        this.settings = settings;
    }

    /** The discovered plugins, narrowed to the chosen backend ({@link Plugins#onBackend}). */
    @Provides
    @Singleton
    Plugins plugins() {
        return Plugins.discover().onBackend(Plugins.chosenName("backend", settings.backend()));
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
    Transcriber transcriber(ValleModel model, SamplingPipeline pipeline) {
        return new Transcriber(model, pipeline, PhonemeDecoder.bundled());
    }

    @Provides
    @Singleton
    SpeechSynthesizer synthesizer(CodeGenerator generator, TextEncoder textEncoder, PhonemeTokenizer tokenizer) {
        return new SpeechSynthesizer(generator, textEncoder, tokenizer);
    }

    @Provides
    @Singleton
    AttentionKernel attention(Plugins plugins) {
        return plugins.attention(settings.attention());
    }

    @Provides
    @Singleton
    ValleModel model(Plugins plugins, com.google.inject.Provider<AttentionKernel> attention) {
        if (settings.model() == null) {
            throw new IllegalStateException("no model was given: call Valle.builder().model(path)");
        }
        LoraOptions lora = settings.lora() == null ? null : new LoraOptions(settings.lora(), settings.loraMerge());
        WeightFormat format = settings.weightFormat();
        return ValleModel.load(CheckpointLocation.resolve(settings.model()), lora, format,
                config -> plugins.selectArch(settings.arch(), config, format), attention::get);
    }
}

package valle.core;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import java.nio.file.Path;
import java.util.Objects;
import valle.api.ValleException;
import valle.api.codec.Codes;
import valle.core.infer.CodeGenerator;
import valle.core.infer.CodeRequest;
import valle.core.infer.InferenceSettings;
import valle.core.infer.Languages;
import valle.core.model.ValleModel;
import valle.core.plugin.Plugins;
import valle.core.text.PhonemeTokenizer;
import valle.core.text.EncodedText;
import valle.core.text.SentenceSplitter;
import valle.core.text.TextEncoder;

/**
 * The entry point for applications: discovers the plugins on the module or class path, loads a checkpoint
 * and owns everything it loaded.
 *
 * <pre>{@code
 * try (Valle valle = Valle.builder().model(Path.of("ar+nar-len-llama-8.sft")).build()) {
 *     Codes codes = valle.generate("həlˈoʊ wˈɜːld.", "en", promptCodes, InferenceSettings.webUiDefaults());
 * }
 * }</pre>
 *
 * <p>Plugins are chosen by the builder's names, else {@code -Dvalle.arch} / {@code -Dvalle.attention},
 * else {@code VALLE_ARCH} / {@code VALLE_ATTENTION}, else {@code auto} (the available plugin with the highest
 * priority that supports the model). Thread-safe.
 */
public final class Valle implements AutoCloseable {
    private final Injector injector;
    private final boolean hasModel;
    private volatile boolean closed;

    private Valle(Injector injector, boolean hasModel) {
        this.injector = injector;
        this.hasModel = hasModel;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Every discovered plugin, by kind. */
    public Plugins plugins() {
        return injector.getInstance(Plugins.class);
    }

    /** The bundled phoneme tokenizer of the published models. */
    public PhonemeTokenizer tokenizer() {
        return injector.getInstance(PhonemeTokenizer.class);
    }

    /**
     * The loaded model.
     *
     * @throws IllegalStateException when the builder was given no model, or this instance is closed
     */
    public ValleModel model() {
        if (closed) {
            throw new IllegalStateException("this Valle instance is closed");
        }
        if (!hasModel) {
            throw new IllegalStateException("no model was given: call Valle.builder().model(path)");
        }
        return injector.getInstance(ValleModel.class);
    }

    /**
     * Generates the code matrix {@code [T, 8]} of one utterance. Thread-safe: concurrent requests share the
     * loaded model; each has its own random source from its seed.
     *
     * @throws IllegalArgumentException for a request the model cannot serve (language, modality, settings)
     */
    public Codes generate(CodeRequest request) {
        return generate(request, CodeGenerator.Progress.NONE).codes();
    }

    /** As {@link #generate(CodeRequest)}, reporting the stages to {@code progress}; says which modality ran. */
    public CodeGenerator.Generated generate(CodeRequest request, CodeGenerator.Progress progress) {
        model();
        return injector.getInstance(CodeGenerator.class).generate(request, progress);
    }

    /**
     * Generates the lines of one text separately, in order; with {@code context_history > 0} in their settings
     * each line is prefixed by the phonemes and codes of the lines before it (the reference's rolling context).
     *
     * @return one code matrix {@code [T_i, 8]} per line
     */
    public java.util.List<Codes> generateLines(java.util.List<CodeRequest> lines, CodeGenerator.Progress progress) {
        model();
        return injector.getInstance(CodeGenerator.class).generateLines(lines, progress);
    }

    /**
     * Generates codes for a phoneme string (IPA as espeak-ng writes it, e.g. {@code "həlˈoʊ wˈɜːld."}).
     *
     * @param language {@code en}, {@code ja}, {@code de}, {@code fr}, {@code zh}, {@code ko} or {@code auto}
     * @param prompt   the voice prompt's codes {@code [Tp, 8]}, or {@code null}
     */
    public Codes generate(String phonemes, String language, Codes prompt, InferenceSettings settings) {
        int[] ids = tokenizer().encode(phonemes);
        if (ids.length <= 2) {
            throw new IllegalArgumentException("the text has no phonemes to speak");
        }
        return generate(new CodeRequest(ids, Languages.id(language), prompt, settings));
    }

    /**
     * The token ids of one sentence of plain text, as the reference's {@code encode_text} makes them: the raw
     * text when it tokenizes without an unknown id, else the phonemizer's output ({@code "Hello, world."} in
     * {@code en} → {@code həlˈoʊ, wˈɜːld.}). Needs no model; thread-safe.
     *
     * @param language {@code en}, {@code de}, {@code fr}, {@code zh} (pinyin with tone digits), {@code ja}
     *                 (kana), {@code ko}, or another language of the phonemizer
     * @throws IllegalArgumentException for empty text or a language the phonemizer does not know
     * @throws valle.api.PluginNotFoundException when no phonemizer can run here (espeak-ng not installed)
     */
    public EncodedText encodeText(String text, String language) {
        return injector.getInstance(TextEncoder.class).encode(text, language);
    }

    /**
     * Speaks plain text as the reference's {@code inference} does: splits it into sentences
     * ({@link SentenceSplitter}), encodes and generates each (with rolling context when the settings ask for
     * it) and joins their codes in order.
     *
     * @return the code matrix {@code [T, 8]} of all sentences, one after the other
     */
    public Codes speak(String text, String language, Codes prompt, InferenceSettings settings) {
        return speak(text, language, prompt, settings, CodeGenerator.Progress.NONE);
    }

    /** As {@link #speak(String, String, Codes, InferenceSettings)}, reporting the stages to {@code progress}. */
    public Codes speak(String text, String language, Codes prompt, InferenceSettings settings,
                       CodeGenerator.Progress progress) {
        int lang = Languages.id(language);
        java.util.List<CodeRequest> lines = new java.util.ArrayList<>();
        for (String sentence : SentenceSplitter.split(text)) {
            lines.add(new CodeRequest(encodeText(sentence, language).ids(), lang, prompt, settings));
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("the text is empty: give the words to speak");
        }
        java.util.List<Codes> parts = generateLines(lines, progress);
        int levels = parts.getFirst().levels();
        int[] data = new int[parts.stream().mapToInt(c -> c.data().length).sum()];
        int at = 0;
        for (Codes c : parts) {
            System.arraycopy(c.data(), 0, data, at, c.data().length);
            at += c.data().length;
        }
        return new Codes(data.length / levels, levels, data);
    }

    /** Closes the model and its file; idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (hasModel) {
                injector.getInstance(ValleModel.class).close();
            }
        }
    }

    /** Settings of a {@link Valle}; {@link #build()} loads eagerly so errors surface there. */
    public static final class Builder {
        private Path model;
        private String arch;
        private String attention;
        private String phonemizer;

        private Builder() {
        }

        /** The checkpoint ({@code .sft}) to load. */
        public Builder model(Path model) {
            this.model = Objects.requireNonNull(model, "model");
            return this;
        }

        /** The arch plugin by name, or {@code "auto"}. */
        public Builder arch(String name) {
            this.arch = name;
            return this;
        }

        /** The attention kernel by name, or {@code "auto"}. */
        public Builder attention(String name) {
            this.attention = name;
            return this;
        }

        /** The phonemizer by name ({@code "espeak"}), or {@code "auto"}; chosen when text is first encoded. */
        public Builder phonemizer(String name) {
            this.phonemizer = name;
            return this;
        }

        /**
         * Discovers the plugins and loads the model, if one was given.
         *
         * @throws ValleException (a {@link valle.api.ModelFormatException} or
         *                        {@link valle.api.PluginNotFoundException}) naming what is wrong
         */
        public Valle build() {
            Injector injector = Guice.createInjector(new ValleModule(new ValleSettings(model, arch, attention, phonemizer)));
            Valle valle = new Valle(injector, model != null);
            try {
                injector.getInstance(Plugins.class);
                if (model != null) {
                    injector.getInstance(ValleModel.class);
                }
            } catch (ProvisionException e) {
                throw unwrap(e);
            }
            return valle;
        }

        /** Guice wraps what a provider throws; users should see valle's own exception. */
        private static RuntimeException unwrap(ProvisionException e) {
            Throwable t = e;
            while (t instanceof ProvisionException && t.getCause() != null) {
                t = t.getCause();
            }
            return t instanceof RuntimeException r ? r : e;
        }
    }
}

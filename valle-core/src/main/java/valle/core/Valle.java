package valle.core;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Flow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import valle.api.Stable;
import valle.api.plugin.Plugin;
import valle.api.ValleException;
import valle.api.codec.AudioCodec;
import valle.api.codec.Codes;
import valle.api.tensor.WeightFormat;
import valle.core.audio.PcmAudio;
import valle.core.audio.WavFile;
import valle.core.batch.Scheduler;
import valle.core.batch.SchedulerStats;
import valle.core.batch.Slot;
import valle.core.infer.CodeGenerator;
import valle.core.infer.CodeRequest;
import valle.core.infer.Languages;
import valle.core.infer.SpeechSynthesizer;
import valle.core.infer.Transcriber;
import valle.core.load.CodesFile;
import valle.core.model.ValleModel;
import valle.core.plugin.CodecRole;
import valle.core.plugin.PluginRegistry;
import valle.core.plugin.Plugins;
import valle.core.speech.InferenceSettings;
import valle.core.speech.Progress;
import valle.core.speech.Speech;
import valle.core.speech.SpeechChunk;
import valle.core.speech.SpeechListener;
import valle.core.speech.SpeechRequest;
import valle.core.speech.SpeechTask;
import valle.core.speech.Transcription;
import valle.core.speech.TranscriptionSettings;
import valle.core.speech.Voice;
import valle.core.text.EncodedText;
import valle.core.text.PhonemeTokenizer;
import valle.core.text.TextEncoder;
import valle.kit.thread.ThreadCount;

/**
 * The entry point for applications: discovers the plugins on the module or class path, loads a checkpoint and
 * the codecs, and owns everything it loaded.
 *
 * <p>One call, text and a voice recording in, a WAV file out:
 * <pre>{@code
 * try (Valle tts = Valle.builder()
 *         .model(Path.of("ar+nar-len-llama-8.sft"))
 *         .codec(Path.of("encodec_24khz"))            // encodes the voice prompt
 *         .vocoder(Path.of("vocos-encodec-24khz"))    // turns codes into audio
 *         .build()) {
 *     Voice voice = tts.voice(Path.of("voice.wav"));
 *     byte[] wav = tts.speak("Hello, world. How are you?", voice).wav();
 * }
 * }</pre>
 *
 * <p>In detail, sentence by sentence as each is ready (an app can start playing the first at once):
 * <pre>{@code
 * SpeechRequest request = SpeechRequest.of(text, voice).withLanguage("en")
 *         .withSettings(InferenceSettings.fromKwargs(Map.of("ar_temperature", 0.0, "seed", 7)));
 * tts.speak(request, new SpeechListener() {
 *     public void sentence(SpeechChunk chunk) { player.play(chunk.samples()); }
 * });
 * // or as a Flow.Publisher<SpeechChunk>:
 * tts.stream(request).subscribe(subscriber);
 * }</pre>
 *
 * <p>Plugins are chosen by the builder's names, else {@code -Dvalle.arch} / {@code -Dvalle.attention},
 * else {@code VALLE_ARCH} / {@code VALLE_ATTENTION}, else {@code auto} (the available plugin with the highest
 * priority that supports the model). The {@linkplain Builder#backend backend} is chosen the same way
 * ({@code -Dvalle.backend}, {@code VALLE_BACKEND}). Thread-safe: one instance serves concurrent requests, each with its own
 * random source from its seed.
 *
 * <p>Applications use the builder, {@code voice}, {@code speak}, {@code stream} and
 * {@link #generate(SpeechRequest, SpeechListener)}, whose types live in the packages this module exports to
 * everyone ({@code valle.core}, {@code valle.core.speech}, {@code valle.core.audio}). The methods that return
 * the machinery ({@link #plugins()}, {@link #model()}, {@link #tokenizer()}, {@link #encodeText}, the
 * {@link CodeRequest} forms of {@code generate}) serve valle's own tools, to whose modules alone those
 * packages are exported.
 */
@Stable(since = "0.1")
public final class Valle implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Valle.class);

    private final Injector injector;
    private final boolean hasModel;
    private final AudioCodec encoder;
    private final AudioCodec vocoder;
    /** Batches the passes of concurrent requests; null when the builder was given no slots. */
    private final Scheduler scheduler;
    private volatile boolean closed;

    private Valle(Injector injector, boolean hasModel, AudioCodec encoder, AudioCodec vocoder, Scheduler scheduler) {
        this.injector = injector;
        this.hasModel = hasModel;
        this.encoder = encoder;
        this.vocoder = vocoder;
        this.scheduler = scheduler;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Every discovered plugin, by kind. */
    @SuppressWarnings("exports") // a tool's method: the type is exported to valle's tools alone
    public Plugins plugins() {
        return injector.getInstance(Plugins.class);
    }

    /** The bundled phoneme tokenizer of the published models. */
    @SuppressWarnings("exports") // a tool's method: the type is exported to valle's tools alone
    public PhonemeTokenizer tokenizer() {
        return injector.getInstance(PhonemeTokenizer.class);
    }

    /**
     * The loaded model.
     *
     * @throws IllegalStateException when the builder was given no model, or this instance is closed
     */
    @SuppressWarnings("exports") // a tool's method: the type is exported to valle's tools alone
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
    @SuppressWarnings("exports") // a tool's method: the type is exported to valle's tools alone
    public Codes generate(CodeRequest request) {
        return generate(request, Progress.NONE).codes();
    }

    /** As {@link #generate(CodeRequest)}, reporting the stages to {@code progress}; says which modality ran. */
    @SuppressWarnings("exports") // a tool's method: the type is exported to valle's tools alone
    public CodeGenerator.Generated generate(CodeRequest request, Progress progress) {
        return scheduled(progress, model -> injector.getInstance(CodeGenerator.class).through(model).generate(request, progress));
    }

    /**
     * Generates the lines of one text separately, in order; with {@code context_history > 0} in their settings
     * each line is prefixed by the phonemes and codes of the lines before it (the reference's rolling context).
     *
     * @return one code matrix {@code [T_i, 8]} per line
     */
    @SuppressWarnings("exports") // a tool's method: the type is exported to valle's tools alone
    public java.util.List<Codes> generateLines(java.util.List<CodeRequest> lines, Progress progress) {
        return scheduled(progress, model -> injector.getInstance(CodeGenerator.class).through(model).generateLines(lines, progress));
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
     *                 (kanji through the pykakasi port, kana), {@code ko}, another language of the phonemizer, or
     *                 {@code auto} (detected with detection seed 0; see {@link #encodeText(String, String, long)})
     * @throws IllegalArgumentException for empty text or a language the phonemizer does not know
     * @throws valle.api.PluginNotFoundException when no phonemizer can run here (espeak-ng not installed)
     */
    @SuppressWarnings("exports") // a tool's method: the type is exported to valle's tools alone
    public EncodedText encodeText(String text, String language) {
        return injector.getInstance(TextEncoder.class).encode(text, language);
    }

    /**
     * {@link #encodeText(String, String)} with the seed of the language detector for {@code auto}: the reference's
     * detector is random, so short texts can come out in different languages with different seeds; the detected
     * language is {@link EncodedText#detectedLanguage()}.
     *
     * @throws IllegalArgumentException also for text with nothing to detect a language from, or a detected language
     *                                  the phonemizer lacks (langdetect's {@code so}, {@code tl}, {@code no})
     */
    @SuppressWarnings("exports")
    public EncodedText encodeText(String text, String language, long detectionSeed) {
        return injector.getInstance(TextEncoder.class).encode(text, language, detectionSeed);
    }

    /**
     * The language the {@code auto} path detects for one sentence with {@code seed} (langdetect's codes: {@code en},
     * {@code zh-cn}, {@code so}, ...), without phonemizing it.
     *
     * @throws IllegalArgumentException when the text has nothing to detect a language from
     * @throws valle.api.PluginNotFoundException when no language detector is on the path (valle-text)
     */
    public String detectLanguage(String text, long seed) {
        return injector.getInstance(TextEncoder.class).detect(text, seed);
    }

    /**
     * A voice from a recording or from prompt codes: a WAV file (any rate and channel count the reference reads;
     * encoded by the builder's {@link Builder#codec codec} as vall-e encodes a prompt), an {@code .npy} code
     * array {@code [Tp, 8]} or a reference {@code .enc} file.
     *
     * @throws valle.api.ModelFormatException naming the file when it cannot be read
     * @throws IllegalStateException          for a WAV when the builder was given no codec
     */
    public Voice voice(Path file) {
        String name = file.getFileName().toString();
        if (CodesFile.isCodesFile(file)) {
            return Voice.of(name, CodesFile.read(file));
        }
        return voice(name, WavFile.read(file));
    }

    /** Several recordings of one voice, encoded and joined in order (the reference's {@code "a.wav;b.wav"}). */
    public Voice voice(List<Path> files) {
        if (files.size() == 1) {
            return voice(files.getFirst());
        }
        List<Voice> parts = new ArrayList<>();
        for (Path f : files) {
            parts.add(voice(f));
        }
        return Voice.joined(String.join(";", files.stream().map(f -> f.getFileName().toString()).toList()), parts);
    }

    /** A voice from audio: channel 0 of a stereo recording, resampled to the codec's rate and encoded (§5.3 of codec.md). */
    public Voice voice(String name, PcmAudio audio) {
        AudioCodec codec = encoder("encoding a voice recording");
        float[] pcm = audio.referenceMonoAt(codec.sampleRate());
        if (pcm.length == 0) {
            throw new IllegalArgumentException(name + ": the recording holds no samples");
        }
        return Voice.of(name, codec.encode(pcm));
    }

    /**
     * Says plain English text in {@code voice} with the web UI's settings ({@link InferenceSettings#webUiDefaults()},
     * seed 0) and returns the audio.
     *
     * @throws IllegalStateException when the builder was given no vocoder
     */
    public Speech speak(String text, Voice voice) {
        return speak(SpeechRequest.of(text, voice));
    }

    /** Runs a request and returns its audio. */
    public Speech speak(SpeechRequest request) {
        return speak(request, SpeechListener.NONE);
    }

    /**
     * Runs a request as the reference's {@code inference} does: splits the text into sentences, generates each
     * (with rolling context when its settings ask) and decodes each on its own; {@code listener} receives each
     * sentence as soon as it is ready, on the calling thread.
     *
     * @throws IllegalArgumentException for empty text, a sentence with no phonemes, an unknown language or
     *                                  settings the model cannot serve
     * @throws IllegalStateException    when the builder was given no model or no vocoder
     */
    public Speech speak(SpeechRequest request, SpeechListener listener) {
        model();
        AudioCodec codec = vocoder("speaking");
        return synthesized(listener, (synthesizer, slot) -> synthesizer.speak(request, decoding(slot, codec), listener));
    }

    /**
     * Runs a request as the reference's {@code TTS.inference(task=…)} runs a task without a source: {@code tts}, and
     * {@code ns} and {@code sr}, which it runs as plain text-to-speech (logged at info, {@link SpeechTask#note()}), so
     * their audio is {@link #speak(SpeechRequest, SpeechListener)}'s.
     *
     * @throws IllegalArgumentException for {@link SpeechTask#VC}, which needs its source: {@link #convert}; and as
     *                                  {@link #speak(SpeechRequest, SpeechListener)}
     */
    public Speech speak(SpeechTask task, SpeechRequest request, SpeechListener listener) {
        if (!task.runsAsTts()) {
            throw new IllegalArgumentException("task " + task.label() + " needs the utterance to convert: use convert(request, source, listener)");
        }
        task.note().ifPresent(LOG::info);
        return speak(request, listener);
    }

    /**
     * Voice conversion (the reference's task {@code vc}, NAR-len only): says the request's text in its voice, as long as
     * {@code source} and steered by the source's level-0 codes at the early demasking steps. The reference's
     * defaults: {@code vc_threshold} 0.25, {@code vc_mask_p} 0.25 (drawn from the request's seeded random source).
     *
     * @param source the utterance to convert, codes {@code [T, 8]} (from {@link #voice(Path)}); at most
     *               {@code max_duration} frames
     * @throws IllegalArgumentException as {@link #speak(SpeechRequest, SpeechListener)}, and for an AR+NAR model or
     *                                  modality (whose reference path ignores the source)
     */
    public Speech convert(SpeechRequest request, Codes source, SpeechListener listener) {
        model();
        AudioCodec codec = vocoder("voice conversion");
        return synthesized(listener, (synthesizer, slot) -> synthesizer.convert(request, source, decoding(slot, codec), listener));
    }

    /**
     * The request's sentences as a publisher: generation starts on a virtual thread when it is subscribed to,
     * each sentence is delivered as soon as it is decoded, and cancelling stops the work at the next step.
     */
    public Flow.Publisher<SpeechChunk> stream(SpeechRequest request) {
        model();
        AudioCodec codec = vocoder("speaking");
        if (scheduler == null) {
            return injector.getInstance(SpeechSynthesizer.class).stream(request, codec);
        }
        // the publisher's thread waits for the slot, so that stream() itself returns at once
        return SpeechSynthesizer.publisher(listener -> speak(request, listener));
    }

    /**
     * The code matrix {@code [T, 8]} of a request, without decoding it (needs no vocoder): its sentences'
     * codes one after the other.
     */
    public Codes generate(SpeechRequest request, SpeechListener listener) {
        model();
        return synthesized(listener, (synthesizer, slot) -> synthesizer.codes(request, listener));
    }

    /**
     * Speech to phonemes, as the reference's {@code TTS.inference(task="stt")}: a WAV file (encoded by the builder's
     * {@link Builder#codec codec}, channel 0, no trimming), or an {@code .npy}/{@code .enc} code array {@code [T, 8]},
     * with the web UI's Speech-to-Text settings (greedy, at most 20 ids per second of speech).
     * The result is IPA phonemes, not words: {@link Transcription#reference()} is the reference's exact string,
     * {@link Transcription#readable()} keeps word spaces.
     *
     * @param language {@code en}, {@code ja}, {@code de}, {@code fr}, {@code zh} or {@code ko} (the model does not
     *                 detect it; {@code auto} means {@code en}, as in the reference)
     * @throws IllegalArgumentException for an empty recording or an unknown language
     * @throws valle.api.ModelFormatException naming the file when it is not a WAV or code array
     */
    public Transcription transcribe(Path speech, String language) {
        Codes codes = voice(speech).codes();
        return transcribe(codes, language, TranscriptionSettings.webUi(codes.frames()));
    }

    /**
     * Transcribes speech codes {@code [T, 8]} with {@code settings} (the AR sampler settings, {@code max_duration},
     * {@code refine_on_stop}, {@code seed}). Thread-safe.
     *
     * @throws IllegalArgumentException for empty codes, more than two minutes of them, an unknown language, or beam
     *                                  search, CFG or a length penalty, with which the reference's speech-to-text fails
     */
    public Transcription transcribe(Codes speech, String language, InferenceSettings settings) {
        return transcribe(speech, language, settings, Progress.NONE);
    }

    /** As {@link #transcribe(Codes, String, InferenceSettings)}, reporting every step to {@code progress}. */
    public Transcription transcribe(Codes speech, String language, InferenceSettings settings, Progress progress) {
        int lang = Languages.id(language);
        return scheduled(progress, model -> injector.getInstance(Transcriber.class).through(model).transcribe(speech, lang, settings, progress));
    }

    /**
     * What the scheduler of the builder's {@link Builder#slots slots} is doing (active slots, waiting requests,
     * batch sizes), or empty when requests run unbatched.
     */
    @SuppressWarnings("exports") // a tool's method: the type is exported to valle's tools alone
    public java.util.Optional<SchedulerStats> scheduler() {
        return java.util.Optional.ofNullable(scheduler).map(Scheduler::stats);
    }

    /**
     * Runs {@code work} on the model, or, with slots, in a scheduler slot on that slot's batching view of it, whose
     * passes stop once {@code progress} says the request is {@linkplain Progress#cancelled cancelled}.
     */
    private <T> T scheduled(Progress progress, java.util.function.Function<ValleModel, T> work) {
        ValleModel model = model();
        if (scheduler == null) {
            return work.apply(model);
        }
        return scheduler.run(slot -> {
            slot.cancelWhen(progress::cancelled);
            return work.apply(slot.through(model));
        });
    }

    /** As {@link #scheduled}, with the synthesizer over the (viewed) model and the slot, null without slots. */
    private <T> T synthesized(Progress progress, java.util.function.BiFunction<SpeechSynthesizer, Slot, T> work) {
        SpeechSynthesizer synthesizer = injector.getInstance(SpeechSynthesizer.class);
        if (scheduler == null) {
            return work.apply(synthesizer, null);
        }
        ValleModel model = model();
        return scheduler.run(slot -> {
            slot.cancelWhen(progress::cancelled);
            return work.apply(synthesizer.through(slot.through(model)), slot);
        });
    }

    /** The vocoder, decoding as the slot's own stage (outside the batcher's ticks) when there is a slot. */
    private static AudioCodec decoding(Slot slot, AudioCodec codec) {
        return slot == null ? codec : slot.decoding(codec);
    }

    /** The codec that encodes voice prompts, if the builder was given one. */
    public java.util.Optional<AudioCodec> encoder() {
        return java.util.Optional.ofNullable(encoder);
    }

    /** The codec that turns codes into audio, if the builder was given one. */
    public java.util.Optional<AudioCodec> vocoder() {
        return java.util.Optional.ofNullable(vocoder);
    }

    private AudioCodec encoder(String task) {
        if (encoder == null) {
            throw new IllegalStateException(task + " needs a codec: build with Valle.builder().codec(path to EnCodec 24 kHz weights)");
        }
        return encoder;
    }

    private AudioCodec vocoder(String task) {
        if (vocoder == null) {
            throw new IllegalStateException(task + " needs a vocoder: build with Valle.builder().vocoder(path to Vocos or EnCodec weights)");
        }
        return vocoder;
    }

    /** Closes the model and its file; idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (scheduler != null) {
                scheduler.close();
            }
            if (hasModel) {
                injector.getInstance(ValleModel.class).close();
            }
            if (encoder != null) {
                encoder.close();
            }
            if (vocoder != null && vocoder != encoder) {
                vocoder.close();
            }
            // plugins that hold threads (the attention kernels' pools) were discovered for this instance alone
            for (PluginRegistry<? extends Plugin> registry : plugins().all()) {
                for (Plugin p : registry.all()) {
                    if (p instanceof AutoCloseable resource) {
                        closeQuietly(resource);
                    }
                }
            }
        }
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            // a plugin that fails to let go of its threads leaves them to its Cleaner; closing goes on
        }
    }

    /** Settings of a {@link Valle}; {@link #build()} loads eagerly so errors surface there. */
    public static final class Builder {
        private Path model;
        private String arch;
        private String attention;
        private String phonemizer;
        private boolean detectedLanguageToken;
        private String backend;
        private Path lora;
        private boolean loraMerge;
        private Path codecWeights;
        private String codecName;
        private Path vocoderWeights;
        private String vocoderName;
        private int threads;
        private WeightFormat weights;
        private int slots;

        private Builder() {
        }

        /**
         * Serves concurrent requests with continuous batching over {@code n} slots: at most {@code n} requests run
         * at once (more wait for a slot, first come, first served) and their backbone passes are batched, one pass
         * over the weights per step for all of them; every output equals the same request run alone. Without it
         * (the default) each request makes its own passes, as many at once as there are callers.
         *
         * @throws IllegalArgumentException when {@code n < 1}
         */
        public Builder slots(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("Valle.builder().slots(n) needs n >= 1 slots, got " + n);
            }
            this.slots = n;
            return this;
        }

        /** The checkpoint to load: an {@code .sft} file, or a folder holding exactly one. */
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

        /**
         * What the plugins compute on: {@code "java"}, {@code "onnx"} (ONNX Runtime, module
         * {@code valle-backend-onnx}), {@code "djl"} (DJL with PyTorch, {@code valle-backend-djl}) or
         * {@code "auto"} (the default: each plugin's available provider with the highest priority). A plugin
         * kind with a provider on the backend is limited to those providers; other kinds keep their java ones
         * ({@link Plugins#onBackend}).
         */
        public Builder backend(String name) {
            this.backend = name;
            return this;
        }

        /**
         * The format the backbone's linear layers are stored in: {@code F32}, {@code BF16}, {@code F16}, or the
         * quantisations {@code INT8} / {@code INT4}, which trade fidelity for speed and memory (docs/performance.md
         * gives each one's error); {@code null} (the default) takes {@code -Dvalle.weights}, else
         * {@code VALLE_WEIGHTS}, else keeps each tensor's file dtype. Under {@code auto} the arch is chosen among
         * those that store the format; a named arch that cannot fails the build.
         */
        public Builder weights(WeightFormat format) {
            this.weights = format;
            return this;
        }

        /**
         * Whether text in the language {@code auto} is generated with the language token of the language detected
         * for each sentence ({@code true}; {@code zh-cn}, {@code zh-tw} and languages without a token get 0, as the
         * reference's {@code batched_inference} maps them) or, by default, with token 0 (English) whatever was
         * detected: the reference's {@code inference()}, which encodes the token before detecting, does that, so
         * the default gives its codes.
         */
        public Builder detectedLanguageToken(boolean detected) {
            this.detectedLanguageToken = detected;
            return this;
        }

        /** The phonemizer by name ({@code "espeak"}), or {@code "auto"}; chosen when text is first encoded. */
        public Builder phonemizer(String name) {
            this.phonemizer = name;
            return this;
        }

        /**
         * A LoRA adapter ({@code lora.sft}, as the reference exports it) to load with the model. Every adapter must
         * match a linear layer of the model by name and shape, else the build fails listing the misfits; it is
         * active for the RVQ levels its config names. {@code merge} folds it into the weights at load, otherwise
         * it is applied as {@code xWᵀ + s·(xAᵀ)Bᵀ}.
         */
        public Builder lora(Path file, boolean merge) {
            this.lora = Objects.requireNonNull(file, "file");
            this.loraMerge = merge;
            return this;
        }

        /**
         * The codec that encodes voice recordings into prompts: EnCodec 24 kHz weights (the HF
         * {@code facebook/encodec_24khz} folder or the original {@code .th} file), chosen by {@code auto}.
         */
        public Builder codec(Path weights) {
            return codec(null, weights);
        }

        /** As {@link #codec(Path)} with the codec plugin by name ({@code "encodec"}), or {@code null} for auto. */
        public Builder codec(String name, Path weights) {
            this.codecName = name;
            this.codecWeights = Objects.requireNonNull(weights, "weights");
            return this;
        }

        /**
         * The codec that turns codes into audio: Vocos ({@code charactr/vocos-encodec-24khz}, the reference's
         * default) or EnCodec weights; {@code auto} picks the best codec that decodes (Vocos).
         */
        public Builder vocoder(Path weights) {
            return vocoder(null, weights);
        }

        /** As {@link #vocoder(Path)} with the codec plugin by name ({@code "vocos"} or {@code "encodec"}). */
        public Builder vocoder(String name, Path weights) {
            this.vocoderName = name;
            this.vocoderWeights = Objects.requireNonNull(weights, "weights");
            return this;
        }

        /**
         * How many threads each pool that the model, its backbone and the codecs create while {@link #build()}
         * loads them may use; without it they take {@code -Dvalle.threads}, else {@code VALLE_THREADS}, else the
         * machine's processors ({@link ThreadCount}).
         *
         * @throws IllegalArgumentException when {@code n < 1}
         */
        public Builder threads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("Valle.builder().threads(n) needs n >= 1 threads, got " + n);
            }
            this.threads = n;
            return this;
        }

        /**
         * Discovers the plugins and loads the model and codecs that were given, with the builder's
         * {@linkplain #threads thread count} bound while they load.
         *
         * @throws ValleException (a {@link valle.api.ModelFormatException} or
         *                        {@link valle.api.PluginNotFoundException}) naming what is wrong
         */
        public Valle build() {
            return threads == 0 ? load() : ThreadCount.where(threads).call(this::load);
        }

        private Valle load() {
            Injector injector = Guice.createInjector(new ValleModule(
                    new ValleSettings(model, arch, attention, phonemizer, lora, loraMerge, backend, weights,
                            detectedLanguageToken)));
            AudioCodec encoder = null;
            AudioCodec vocoder = null;
            try {
                Plugins plugins = injector.getInstance(Plugins.class);
                if (model != null) {
                    injector.getInstance(ValleModel.class);
                }
                if (codecWeights != null) {
                    encoder = CodecRole.ENCODE.choose(plugins.codecs(), codecName).open(codecWeights);
                }
                if (vocoderWeights != null) {
                    vocoder = CodecRole.DECODE.choose(plugins.codecs(), vocoderName).open(vocoderWeights);
                }
            } catch (ProvisionException e) {
                closeQuietly(encoder, vocoder);
                throw unwrap(e);
            } catch (RuntimeException e) {
                closeQuietly(encoder, vocoder);
                if (model != null) {
                    injector.getInstance(ValleModel.class).close();
                }
                throw e;
            }
            return new Valle(injector, model != null, encoder, vocoder, slots == 0 ? null : new Scheduler(slots));
        }

        private static void closeQuietly(AudioCodec... codecs) {
            for (AudioCodec c : codecs) {
                if (c != null) {
                    c.close();
                }
            }
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

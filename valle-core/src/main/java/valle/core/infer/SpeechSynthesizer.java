package valle.core.infer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import valle.api.codec.AudioCodec;
import valle.api.codec.Codes;
import valle.core.infer.CodeGenerator;
import valle.core.infer.CodeRequest;
import valle.core.infer.Languages;
import valle.core.speech.Progress;
import valle.core.speech.Speech;
import valle.core.speech.SpeechChunk;
import valle.core.speech.SpeechListener;
import valle.core.speech.SpeechRequest;
import valle.core.text.EncodedText;
import valle.core.text.PhonemeTokenizer;
import valle.core.text.SentenceSplitter;
import valle.core.text.TextEncoder;
import valle.core.text.TextLimits;

/**
 * What the reference's {@code TTS.inference} does between a text and its audio: split the text into sentences,
 * encode each, generate its codes (the lines share one random stream and, with {@code context_history}, their
 * history) and decode each sentence on its own. All sentences are encoded before any is generated, so a bad
 * sentence fails the request before minutes of compute. Unlike the reference, sentences of punctuation alone
 * are left out. Thread-safe: every call has its own state.
 */
public final class SpeechSynthesizer {
    private final CodeGenerator generator;
    private final TextEncoder textEncoder;
    private final PhonemeTokenizer tokenizer;
    private final boolean detectedLanguageToken;

    /**
     * @param detectedLanguageToken for text in {@code auto}: give each sentence its detected language's token
     *                              ({@link Languages#idOrZero}) instead of the reference's 0
     */
    public SpeechSynthesizer(CodeGenerator generator, TextEncoder textEncoder, PhonemeTokenizer tokenizer,
                             boolean detectedLanguageToken) {
        this.generator = generator;
        this.textEncoder = textEncoder;
        this.tokenizer = tokenizer;
        this.detectedLanguageToken = detectedLanguageToken;
    }

    /** The same synthesizer over {@code view} of its model (a scheduler slot's batching view). */
    public SpeechSynthesizer through(valle.core.model.ValleModel view) {
        return new SpeechSynthesizer(generator.through(view), textEncoder, tokenizer, detectedLanguageToken);
    }

    /**
     * Runs a request, delivering each sentence to {@code listener} as it is done.
     *
     * @param vocoder turns codes into audio, or {@code null} for codes only (the chunks then hold no samples)
     * @throws IllegalArgumentException for empty text, a sentence with no phonemes or an unknown language
     * @throws CancellationException    when the calling thread is interrupted between steps
     */
    public Speech speak(SpeechRequest request, AudioCodec vocoder, SpeechListener listener) {
        CodeGenerator.Session session = generator.session(request.settings().seed());
        return run(request, vocoder, listener, session::next);
    }

    /**
     * Voice conversion of {@code source} ({@code TTS.inference(task="vc")}): each sentence of the request is said in
     * the request's voice, as long as the source and steered by its level-0 codes (every sentence gets the whole
     * source, as in the reference).
     *
     * @throws IllegalArgumentException as {@link #speak}, and for a model or modality other than NAR-len
     */
    public Speech convert(SpeechRequest request, Codes source, AudioCodec vocoder, SpeechListener listener) {
        VoiceConversion conversion = VoiceConversion.of(source.level(0));
        return run(request, vocoder, listener, (line, progress) -> generator.convert(line, conversion, progress));
    }

    /** How one sentence's codes are made. */
    private interface LineGenerator {
        CodeGenerator.Generated next(CodeRequest line, Progress progress);
    }

    private Speech run(SpeechRequest request, AudioCodec vocoder, SpeechListener listener, LineGenerator generate) {
        // the language token: the output language's (the reference's language), the text's unless one is given
        int lang = Languages.id(request.spokenLanguage());
        boolean detectToken = detectedLanguageToken && request.spokenLanguage().strip().equalsIgnoreCase("auto");
        List<String> sentences = sentences(request);
        List<CodeRequest> lines = new ArrayList<>();
        for (int i = 0; i < sentences.size(); i++) {
            EncodedText encoded = encoded(request, sentences.get(i), i);
            int sentenceLang = detectToken && encoded.detectedLanguage() != null
                    ? Languages.idOrZero(encoded.detectedLanguage()) : lang;
            lines.add(new CodeRequest(encoded.ids(), sentenceLang, request.voice().codes(), request.settings()));
        }
        List<SpeechChunk> chunks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            checkNotInterrupted();
            listener.sentenceStarted(i, lines.size(), sentences.get(i));
            long started = System.nanoTime();
            CodeGenerator.Generated generated = generate.next(lines.get(i), listener);
            long generatedAt = System.nanoTime();
            float[] samples = vocoder == null ? new float[0] : vocoder.decode(generated.codes());
            long decodedAt = System.nanoTime();
            SpeechChunk chunk = new SpeechChunk(i, lines.size(), sentences.get(i), generated.modality(),
                    generated.codes(), samples, vocoder == null ? 0 : vocoder.sampleRate(),
                    Duration.ofNanos(generatedAt - started), Duration.ofNanos(decodedAt - generatedAt));
            chunks.add(chunk);
            listener.sentence(chunk);
        }
        return new Speech(chunks, vocoder == null ? 0 : vocoder.sampleRate());
    }

    /**
     * The request as a publisher of its sentences: generation starts on a virtual thread when it is subscribed
     * to; cancelling stops it at the next step.
     */
    public java.util.concurrent.Flow.Publisher<SpeechChunk> stream(SpeechRequest request, AudioCodec vocoder) {
        return publisher(listener -> speak(request, vocoder, listener));
    }

    /**
     * A publisher of the sentences that {@code job} delivers to the listener it is given, run on a virtual thread
     * when subscribed to (so that a job that waits for a scheduler slot waits there).
     */
    public static java.util.concurrent.Flow.Publisher<SpeechChunk> publisher(
            java.util.function.Function<SpeechListener, Speech> job) {
        return new SpeechPublisher(job);
    }

    /** The request's codes only: {@link #speak} without a vocoder. */
    public Codes codes(SpeechRequest request, SpeechListener listener) {
        return speak(request, null, listener).codes();
    }

    private static List<String> sentences(SpeechRequest request) {
        List<String> out = new ArrayList<>();
        switch (request.input()) {
            case TEXT, TEXT_LINES -> {
                // a sentence (or line) of punctuation alone ("...", "!") has nothing to say; the reference would
                // still generate noise for it, valle leaves it out
                textUnits(request).stream().filter(SpeechSynthesizer::hasWords).forEach(out::add);
                if (out.isEmpty() && !request.text().isBlank()) {
                    throw new IllegalArgumentException("the text has no words to speak, only punctuation or symbols");
                }
            }
            case PHONEMES -> {
                // phoneme lines skip the text front end, so they meet its limits here
                TextLimits.requireWithinLength(request.text());
                for (String line : request.text().split("\\R")) {
                    if (!line.isBlank()) {
                        TextLimits.requireSpeakable(line.strip());
                        out.add(line.strip());
                    }
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("the text is empty: give the words to speak");
        }
        return out;
    }

    /** The text's sentences, or its lines (the reference's {@code split_text_by="\n"}), stripped. */
    private static List<String> textUnits(SpeechRequest request) {
        if (request.input() == SpeechRequest.Input.TEXT) {
            return SentenceSplitter.split(request.text());
        }
        TextLimits.requireWithinLength(request.text());
        return request.text().lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }

    private static boolean hasWords(String sentence) {
        return sentence.codePoints().anyMatch(Character::isLetterOrDigit);
    }

    /** A sentence's ids; text in {@code auto} is detected with the request's seed. */
    private EncodedText encoded(SpeechRequest request, String sentence, int index) {
        EncodedText encoded = request.input() != SpeechRequest.Input.PHONEMES
                ? textEncoder.encode(sentence, request.language(), request.settings().seed())
                : new EncodedText(sentence, true, sentence, tokenizer.encode(sentence));
        // <bos> and <eos> alone: nothing the model could say
        if (encoded.ids().length <= 2) {
            throw new IllegalArgumentException("sentence " + (index + 1) + " (\"" + sentence + "\") has no phonemes to speak");
        }
        return encoded;
    }

    private static void checkNotInterrupted() {
        if (Thread.currentThread().isInterrupted()) {
            throw new CancellationException("the request was cancelled");
        }
    }
}

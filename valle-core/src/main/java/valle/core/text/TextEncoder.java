package valle.core.text;

import java.util.Objects;
import java.util.function.Function;
import valle.api.text.Phonemizer;

/**
 * The reference's {@code TTS.encode_text} for one sentence (docs/spec/valle-reference.md §2.2): the raw text is
 * tokenized first and used as is when it has no unknown id (so pre-phonemized IPA passes straight through,
 * and so does lower-case ASCII without {@code g}, a quirk kept on purpose); otherwise the phonemizer's output
 * is tokenized. Thread-safe when the phonemizers it is given are.
 */
public final class TextEncoder {
    private final PhonemeTokenizer tokenizer;
    private final Function<String, Phonemizer> phonemizerFor;

    /**
     * @param phonemizerFor the phonemizer for a language; throws, naming the problem and the fix, when none
     *                      is available or supports it
     */
    public TextEncoder(PhonemeTokenizer tokenizer, Function<String, Phonemizer> phonemizerFor) {
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.phonemizerFor = Objects.requireNonNull(phonemizerFor, "phonemizerFor");
    }

    /**
     * Encodes one sentence.
     *
     * @param language the caller's language code ({@code en}, {@code de}, ...); unlike the reference, it is
     *                 checked even when the precheck would skip the phonemizer, so a wrong code never passes
     *                 silently
     * @throws IllegalArgumentException for empty text, text {@link TextLimits} refuses, or a language no
     *                                  phonemizer supports
     */
    public EncodedText encode(String text, String language) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(language, "language");
        if (text.isBlank()) {
            throw new IllegalArgumentException("the text is empty: give the words to speak");
        }
        TextLimits.requireSpeakable(text);
        Phonemizer phonemizer = phonemizerFor.apply(language);
        int[] raw = tokenizer.encode(text);
        if (!contains(raw, tokenizer.unknownId())) {
            return new EncodedText(text, true, text, raw);
        }
        String phonemes = phonemizer.phonemize(text, language);
        return new EncodedText(text, false, phonemes, tokenizer.encode(phonemes));
    }

    private static boolean contains(int[] ids, int id) {
        for (int x : ids) {
            if (x == id) {
                return true;
            }
        }
        return false;
    }
}

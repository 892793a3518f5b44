package valle.core.speech;

import valle.api.Stable;

/**
 * How speech-to-text ids become phoneme text ({@code docs/spec/remaining-features.md} §1.6). Both apply the
 * reference's post-processing ({@code "   "→"_"}, every {@code " "} removed, {@code "_"→" "}); they differ in how
 * the token strings are joined before it.
 */
@Stable(since = "0.1")
public enum SttDecoding {
    /**
     * Exactly the text the reference's {@code TTS.inference(task="stt")} returns at 0d4329d: the tokenizer's
     * ByteLevel decoder joins the tokens, so the post-processing deletes every word space, and tokens made of
     * Latin-1 letters ({@code æ}, {@code ð}, {@code ç}, ...) come out as raw bytes, i.e. U+FFFD. Goldens and the
     * conformance kit use this.
     */
    REFERENCE,
    /**
     * Readable: the tokens joined by one space, as the reference did before its tokenizer got a decoder (the era
     * the post-processing was written for), so a space token becomes a word space and every symbol stays itself
     * ({@code həlˈoʊ wˈɜːld.} where {@link #REFERENCE} gives {@code həlˈoʊwˈɜːld.}).
     */
    JOINED
}

package valle.core.text;

import java.util.Arrays;

/**
 * One sentence of text as the reference's {@code encode_text} turns it into token ids.
 *
 * @param text     the text as given
 * @param raw      whether the raw text tokenized without an unknown id and was used as is (the reference's
 *                 precheck), so no phonemizer ran
 * @param phonemes what was tokenized: the phonemizer's output, or the text itself when {@code raw}
 * @param ids      the token ids, {@code <bos>} and {@code <eos>} included; may hold the unknown id 0, as the
 *                 reference's do
 * @param detectedLanguage for {@code auto}, the language the detector gave ({@code de}, {@code zh-cn}, ...), which
 *                 is the one phonemized; {@code null} when the caller named the language
 */
public record EncodedText(String text, boolean raw, String phonemes, int[] ids, String detectedLanguage) {
    public EncodedText {
        ids = ids.clone();
    }

    /** Text in a language the caller named. */
    public EncodedText(String text, boolean raw, String phonemes, int[] ids) {
        this(text, raw, phonemes, ids, null);
    }

    @Override
    public int[] ids() {
        return ids.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncodedText e && e.text.equals(text) && e.raw == raw && e.phonemes.equals(phonemes)
                && Arrays.equals(e.ids, ids) && java.util.Objects.equals(e.detectedLanguage, detectedLanguage);
    }

    @Override
    public int hashCode() {
        return (text.hashCode() * 31 + phonemes.hashCode()) * 31 + Arrays.hashCode(ids);
    }

    @Override
    public String toString() {
        return "EncodedText[" + (detectedLanguage == null ? "" : detectedLanguage + " ") + (raw ? "raw " : "") + phonemes
                + " " + Arrays.toString(ids) + "]";
    }
}

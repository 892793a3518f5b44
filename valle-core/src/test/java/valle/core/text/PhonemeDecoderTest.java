package valle.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import valle.core.speech.SttDecoding;

class PhonemeDecoderTest {
    private final PhonemeDecoder decoder = PhonemeDecoder.bundled();
    private final PhonemeTokenizer tokenizer = PhonemeTokenizer.bundled();

    private int[] idsOf(String phonemes) {
        int[] withBosEos = tokenizer.encode(phonemes);
        return java.util.Arrays.copyOfRange(withBosEos, 1, withBosEos.length - 1);
    }

    @Test
    void referenceDeletesWordSpacesAndJoinedKeepsThem() {
        int[] ids = idsOf("həlˈoʊ wˈɜːld.");
        assertEquals("həlˈoʊwˈɜːld.", decoder.decode(ids, SttDecoding.REFERENCE));
        assertEquals("həlˈoʊ wˈɜːld.", decoder.decode(ids, SttDecoding.JOINED));
    }

    @Test
    void latin1LettersAreRawBytesUnderTheByteLevelDecoder() {
        // æ is byte E6 alone: ill-formed UTF-8
        assertEquals("\uFFFD", decoder.decode(new int[] {44}, SttDecoding.REFERENCE));
        // ðæt: F0 E6 74, two ill-formed bytes then t
        assertEquals("\uFFFD\uFFFDt", decoder.decode(new int[] {130}, SttDecoding.REFERENCE));
        // æ ¡ « are E6 A1 AB, a well-formed three-byte sequence
        assertEquals("桫", decoder.decode(new int[] {44, 40, 41}, SttDecoding.REFERENCE));
        // ç ¡ is a truncated sequence: one replacement for both bytes
        assertEquals("\uFFFDt", decoder.decode(new int[] {45, 40, 34}, SttDecoding.REFERENCE));
        assertEquals("ðæt", decoder.decode(new int[] {130}, SttDecoding.JOINED));
    }

    @Test
    void aliasedIdsTakeTheFirstStringInFileOrder() {
        assertEquals(" ", decoder.token(4));
        assertEquals("a", decoder.token(16));
        assertEquals("u", decoder.token(35));
        assertEquals("<bos>", decoder.token(1));
        // the underscore alias of 81 is not chosen, so no id decodes to a space through it
        assertEquals("”", decoder.token(81));
    }

    @Test
    void specialTokensAndEmptyInput() {
        assertEquals("<unk><bos></eos><mask>", decoder.decode(new int[] {0, 1, 2, 3}, SttDecoding.REFERENCE));
        assertEquals("", decoder.decode(new int[0], SttDecoding.REFERENCE));
        assertEquals("", decoder.decode(new int[0], SttDecoding.JOINED));
    }

    @Test
    void anIdOutsideTheVocabIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> decoder.decode(new int[] {256}, SttDecoding.REFERENCE));
        assertEquals("token id 256 is out of range 0..255", e.getMessage());
    }
}

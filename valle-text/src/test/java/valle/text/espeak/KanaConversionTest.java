package valle.text.espeak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KanaConversionTest {

    @Test
    void hiraganaAndJapanesePunctuationPassThrough() {
        assertEquals("おはようございます、げんきですか？", KanaConversion.toHiragana("おはようございます、げんきですか？"));
    }

    @Test
    void katakanaBecomesHiraganaButTheLongVowelMarkStays() {
        assertEquals("こーひーをのみます", KanaConversion.toHiragana("コーヒーヲノミマス"));
        assertEquals("ゔぁ", KanaConversion.toHiragana("ヴァ"));
        // U+30F7..U+30FA have no hiragana; pykakasi keeps them
        assertEquals("ヷ", KanaConversion.toHiragana("ヷ"));
    }

    @Test
    void halfWidthKatakanaGoesThroughTheTableWithVoicedMarksComposed() {
        assertEquals("かが", KanaConversion.toHiragana("ｶｶﾞ"));
        assertEquals("ゔ", KanaConversion.toHiragana("ｳﾞ"));
        // the semi-voiced mark is outside pykakasi's katakana range and dropped; a lone voiced mark is kept
        assertEquals("は", KanaConversion.toHiragana("ﾊﾟ"));
        assertEquals("\u309B", KanaConversion.toHiragana("ﾞ"));
    }

    @Test
    void charactersPykakasiClaimsNoClassForAreDropped() {
        assertEquals("あい", KanaConversion.toHiragana("あ\nい"));
        assertEquals("ab", KanaConversion.toHiragana("aāb"));
        assertEquals("あ", KanaConversion.toHiragana("あ\uD83D\uDE00"));
    }

    @Test
    void asciiAndFullWidthFormsStay() {
        assertEquals("abc 123 ＡＢＣ！", KanaConversion.toHiragana("abc 123 ＡＢＣ！"));
    }

    @Test
    void kanjiAreRefusedNamingTheCharacterAndTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KanaConversion.toHiragana("今日は"));
        assertTrue(e.getMessage().contains("'今' (U+4ECA)") && e.getMessage().contains("write the text in kana"),
                e.getMessage());
    }
}

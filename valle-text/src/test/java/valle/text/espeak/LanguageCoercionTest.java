package valle.text.espeak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LanguageCoercionTest {

    @Test
    void theReferencesCodesMapToEspeaksVoices() {
        assertEquals("en-us", LanguageCoercion.voiceLanguage("en"));
        assertEquals("fr-fr", LanguageCoercion.voiceLanguage("fr"));
        assertEquals("cmn-latn-pinyin", LanguageCoercion.voiceLanguage("zh"));
        assertEquals("cmn-latn-pinyin", LanguageCoercion.voiceLanguage("zh-cn"));
        assertEquals("de", LanguageCoercion.voiceLanguage("de"));
        assertEquals("en-gb", LanguageCoercion.voiceLanguage("en-gb"));
        assertEquals("EN", LanguageCoercion.voiceLanguage("EN"));
    }

    @Test
    void onlyJapaneseCodesNeedKana() {
        assertTrue(LanguageCoercion.needsKana("ja"));
        assertFalse(LanguageCoercion.needsKana("ko"));
    }

    @Test
    void toneDigitsAreRemappedForPinyinOnly() {
        assertEquals("nˈiˉ χˈɑuˇ tˈaˊ ˈaˋ mˈa_", LanguageCoercion.remapTones("cmn-latn-pinyin", "nˈi2 χˈɑu1 tˈa3 ˈa4 mˈa5"));
        assertEquals("wˈʌn 2", LanguageCoercion.remapTones("en-us", "wˈʌn 2"));
    }
}

package valle.text.kakasi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Expected values are pykakasi 2.3.0's (run from its v2.3.0 source with the dictionary its build step makes), the
 * wrong readings included: the model was trained on them. The port also matched pykakasi segment for segment on
 * 20,000 random strings of kanji, kana, symbols, variant characters and selectors (see docs/text.md).
 */
class KakasiTest {

    @Test
    void kanjiTakeTheLongestDictionaryKeyAndSegmentsFollowPykakasi() {
        assertEquals(List.of(new Segment("今日は", "こんにちは"), new Segment("良い", "よい"), new Segment("天気", "てんき"),
                new Segment("ですね", "ですね"), new Segment("。", "。")), Kakasi.convert("今日は良い天気ですね。"));
    }

    @Test
    void okuriganaEntriesBeatTheShorterKeyAndDigitsStay() {
        assertEquals("じゅうごわかかります", Kakasi.toHiragana("十五分かかります"));
        assertEquals("ごご3とき", Kakasi.toHiragana("午後3時"));
    }

    @Test
    void theOneContextEntryReadsAfterItsSegmentOnly() {
        // kakasidict's "しょく 色 そん": 色 is しょく only right after the segment そん
        assertEquals("そんしょく", Kakasi.toHiragana("そん色"));
        assertEquals("いろ", Kakasi.toHiragana("色"));
    }

    @Test
    void anUnknownKanjiDropsItselfAndTheNextCharacter() {
        assertEquals("さんにでんわした。", Kakasi.toHiragana("髙橋さんに電話した。"));
    }

    @Test
    void charactersAboveTheBmpAreDroppedWalkingByCodePoint() {
        assertEquals("のえ", Kakasi.toHiragana("𠮷野家"));
    }

    @Test
    void variantFormsFoldBeforeTheLookup() {
        // 舘 folds to 館 (itaijidict), so it reads as 館 does
        assertEquals(Kakasi.toHiragana("館"), Kakasi.toHiragana("舘"));
    }

    @Test
    void katakanaBecomesHiraganaAndHalfWidthLongMarksBecomeTheSemiVoicedMark() {
        assertEquals("こーひーをのみます", Kakasi.toHiragana("コーヒーヲノミマス"));
        assertEquals("ヷ", Kakasi.toHiragana("ヷ"));
        assertEquals("かが", Kakasi.toHiragana("ｶｶﾞ"));
        assertEquals("こ゜ひ゜", Kakasi.toHiragana("ｺｰﾋｰ"));
    }

    @Test
    void aCharacterWithoutClassIsDroppedButTheSegmentBeforeItIsWrittenTwice() {
        assertEquals("ああい", Kakasi.toHiragana("あ\nい"));
        assertEquals("aab", Kakasi.toHiragana("aāb"));
        assertEquals("ああ", Kakasi.toHiragana("あ\uD83D\uDE00"));
    }

    @Test
    void asciiAndFullWidthFormsStay() {
        assertEquals("abc 123 ＡＢＣ！", Kakasi.toHiragana("abc 123 ＡＢＣ！"));
    }

    @Test
    void textPykakasiFailsOnIsRefusedNamingTheFix() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Kakasi.toHiragana("\uFE00"));
        assertEquals(true, e.getMessage().contains("variation selector"), e.getMessage());
    }
}

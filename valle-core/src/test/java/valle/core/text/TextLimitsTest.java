package valle.core.text;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Hostile text is refused with one clear message before any of it is phonemized. */
class TextLimitsTest {

    @Test
    void ordinaryTextIPAAndLineBreaksPass() {
        assertDoesNotThrow(() -> TextLimits.requireSpeakable("Hello, world.\tHow are you?\r\n"));
        assertDoesNotThrow(() -> TextLimits.requireSpeakable("həlˈoʊ wˈɜːld."));
        assertDoesNotThrow(() -> TextLimits.requireSpeakable("3.50"));
        assertDoesNotThrow(() -> TextLimits.requireSpeakable("こんにちは"));
    }

    @Test
    void onlyPunctuationHasNothingToSpeak() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TextLimits.requireSpeakable("?!... --"));
        assertTrue(e.getMessage().contains("nothing to speak"), e.getMessage());
    }

    @Test
    void controlCharactersAreRefusedByCodePointAndPosition() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TextLimits.requireSpeakable("Hello\u0007 world"));
        assertEquals("the text holds the control character U+0007 at position 5; remove it (only tabs and line"
                + " breaks are allowed)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TextLimits.requireSpeakable("a\u0000b"));
        assertThrows(IllegalArgumentException.class, () -> TextLimits.requireSpeakable("a\u009Bb"));
    }

    @Test
    void textOverTheLimitIsRefusedAndTheLimitIsConfigurable() {
        String longText = "a".repeat(TextLimits.DEFAULT_MAX_CHARS + 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SentenceSplitter.split(longText));
        assertTrue(e.getMessage().contains("100001 characters, over the limit of 100000")
                && e.getMessage().contains("-Dvalle.text.maxChars"), e.getMessage());
        String before = System.getProperty(TextLimits.PROPERTY);
        try {
            System.setProperty(TextLimits.PROPERTY, "10");
            assertThrows(IllegalArgumentException.class, () -> TextLimits.requireSpeakable("eleven char"));
            assertDoesNotThrow(() -> TextLimits.requireSpeakable("ten chars!"));
            System.setProperty(TextLimits.PROPERTY, "lots");
            e = assertThrows(IllegalArgumentException.class, TextLimits::maxChars);
            assertEquals("-Dvalle.text.maxChars=lots is not a positive number of characters", e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(TextLimits.PROPERTY);
            } else {
                System.setProperty(TextLimits.PROPERTY, before);
            }
        }
    }
}

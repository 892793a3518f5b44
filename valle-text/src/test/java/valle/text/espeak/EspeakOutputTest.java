package valle.text.espeak;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EspeakOutputTest {

    @Test
    void phoneSeparatorsGoAndWordsKeepOneSpace() {
        assertEquals("həlˈoʊ wˈɜːld", EspeakOutput.clean("h_ə_l_ˈoʊ w_ˈɜː_l_d"));
    }

    @Test
    void stressMarksAndLanguageSwitchFlagsStay() {
        assertEquals("lə- (en)wiːkˈɛnd(fr)", EspeakOutput.clean("l_ə- (en)w_iː_k_ˈɛ_n_d(fr)"));
    }

    @Test
    void theEndsAreStrippedAndNewlinesBecomeSpaces() {
        assertEquals("a b", EspeakOutput.clean("\u00A0 a_\nb_ \n"));
    }

    @Test
    void doubleSpacesShrinkOncePerPassAsPythonsReplaceDoes() {
        // "a   b": replace("  ", " ") leaves "a  b", and the empty word between keeps both spaces
        assertEquals("a  b", EspeakOutput.clean("a   b"));
    }

    @Test
    void runsOfUnderscoresAndUnderscoreBeforeASpaceCollapse() {
        assertEquals("ab c", EspeakOutput.clean("a___b_ c"));
    }

    @Test
    void emptyOutputStaysEmpty() {
        assertEquals("", EspeakOutput.clean(" \n "));
    }
}

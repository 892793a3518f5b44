package valle.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The Punkt-style split, including where it knowingly follows Punkt's quirks and where it differs. */
class SentenceSplitterTest {

    private static void splits(String text, String... sentences) {
        assertEquals(List.of(sentences), SentenceSplitter.split(text), text);
    }

    @Test
    void periodsQuestionAndExclamationMarksEndSentences() {
        splits("One. Two? Three!", "One.", "Two?", "Three!");
        splits("Peter Piper picked a peck of pickled peppers. How many pickled peppers did Peter Piper pick?",
                "Peter Piper picked a peck of pickled peppers.", "How many pickled peppers did Peter Piper pick?");
    }

    @Test
    void textWithoutAnEndIsOneSentenceAndBlankTextNone() {
        splits("Hello world", "Hello world");
        splits("");
        splits("  \n ");
    }

    @Test
    void whitespaceBetweenSentencesIsDroppedAndInsideKept() {
        splits("Hello.  World.  ", "Hello.", "World.");
        splits("Line one.\nLine two.", "Line one.", "Line two.");
        splits("Tab\there.", "Tab\there.");
    }

    @Test
    void knownAbbreviationsDoNotEndASentenceBeforeANameOrLowercase() {
        splits("Dr. Smith lives on St. James St.", "Dr. Smith lives on St. James St.");
        splits("e.g. and i.e. are Latin.", "e.g. and i.e. are Latin.");
        splits("Thirty-three thirsty, thundering thoroughbreds thumped Mr. Thurber on Thursday.",
                "Thirty-three thirsty, thundering thoroughbreds thumped Mr. Thurber on Thursday.");
    }

    @Test
    void anAbbreviationBeforeACapitalisedCommonWordEndsTheSentence() {
        splits("They arrived at 5 p.m. Then they left.", "They arrived at 5 p.m.", "Then they left.");
        splits("Apples, pears etc. The rest is fruit too.", "Apples, pears etc.", "The rest is fruit too.");
        // not in the list, so it ends a sentence (Punkt's model knows more abbreviations than this list)
        splits("See Gen. Lee, Esq. Jones.", "See Gen. Lee, Esq.", "Jones.");
    }

    @Test
    void decimalsAndAddressesNeverSplit() {
        splits("It costs $3.50 - or maybe 4 euros.", "It costs $3.50 - or maybe 4 euros.");
        splits("Email me at info@example.com! Thanks.", "Email me at info@example.com!", "Thanks.");
    }

    @Test
    void aNumberWithAPeriodEndsASentenceUnlessLowercaseFollows() {
        splits("He is 5. He likes it.", "He is 5.", "He likes it.");
        splits("See chapter 5. then read on.", "See chapter 5. then read on.");
    }

    @Test
    void initialsStayWithTheNameButNotBeforeACommonWord() {
        splits("J. R. R. Tolkien wrote it.", "J. R. R. Tolkien wrote it.");
        splits("We chose plan B. The rest failed.", "We chose plan B.", "The rest failed.");
    }

    @Test
    void anEllipsisEndsASentenceOnlyBeforeACapitalisedCommonWord() {
        splits("Maybe... Then we go.", "Maybe...", "Then we go.");
        splits("Maybe... we go.", "Maybe... we go.");
        splits("Wait... Bob is here.", "Wait... Bob is here.");
    }

    @Test
    void doubleQuotesAreHiddenSoAQuotedEndNeverSplits() {
        // the reference swaps " for <QUOTE> before Punkt, so no whitespace follows the quoted '!' or '.'
        splits("She said, \"Come here!\" and left.", "She said, \"Come here!\" and left.");
        splits("He said \"Hi.\" Then he left.", "He said \"Hi.\" Then he left.");
        splits("\"Yes.\" \"No.\"", "\"Yes.\" \"No.\"");
    }

    @Test
    void closingSingleQuotesAndBracketsJoinTheSentenceTheyClose() {
        splits("He said 'Hi.' Then he left.", "He said 'Hi.'", "Then he left.");
        splits("(Sent one.) Sent two.", "(Sent one.)", "Sent two.");
    }

    @Test
    void punktsContextQuirksAreKept() {
        // the candidate's context runs to the end of the next token, so the '?' of "what?!" breaks after the
        // ellipsis too, and the '!' with nothing after it is left on its own
        splits("Wait... what?!", "Wait...", "what?", "!");
        splits("Ouch!!! That hurt???", "Ouch!!!", "That hurt??", "?");
        splits("Very bad acting!!! I promise.", "Very bad acting!!!", "I promise.");
    }
}

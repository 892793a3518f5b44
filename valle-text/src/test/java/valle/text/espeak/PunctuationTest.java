package valle.text.espeak;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import valle.text.espeak.Punctuation.Mark;
import valle.text.espeak.Punctuation.Position;

class PunctuationTest {

    @Test
    void helloWorldIsCutIntoTwoChunksWithAnInsideAndAnEndMark() {
        Punctuation.Split s = Punctuation.preserve("Hello, world.");
        assertEquals(List.of("Hello", "world"), s.chunks());
        assertEquals(List.of(new Mark(", ", Position.INSIDE), new Mark(".", Position.END)), s.marks());
        assertEquals(List.of("həlˈoʊ, wˈɜːld."), Punctuation.restore(List.of("həlˈoʊ", "wˈɜːld"), s.marks()));
    }

    @Test
    void aLeadingRunIsABeginMarkAndItsEmptyChunkIsDropped() {
        Punctuation.Split s = Punctuation.preserve("¿Qué? Sí.");
        assertEquals(List.of("Qué", "Sí"), s.chunks());
        assertEquals(List.of(new Mark("¿", Position.BEGIN), new Mark("? ", Position.INSIDE), new Mark(".", Position.END)),
                s.marks());
        assertEquals(List.of("¿ke? sˈi."), Punctuation.restore(List.of("ke", "sˈi"), s.marks()));
    }

    @Test
    void textThatIsOnlyMarksComesBackAsItIs() {
        Punctuation.Split s = Punctuation.preserve("...");
        assertEquals(List.of(), s.chunks());
        assertEquals(List.of(new Mark("...", Position.ALONE)), s.marks());
        assertEquals(List.of("..."), Punctuation.restore(List.of(), s.marks()));
    }

    @Test
    void whitespaceAroundMarksBelongsToTheRunIncludingNewlinesAndNoBreakSpaces() {
        Punctuation.Split s = Punctuation.preserve("Line one.\nLine two\u00A0!");
        assertEquals(List.of("Line one", "Line two"), s.chunks());
        assertEquals(List.of(new Mark(".\n", Position.INSIDE), new Mark("\u00A0!", Position.END)), s.marks());
        assertEquals(List.of("a.\nb\u00A0!"), Punctuation.restore(List.of("a", "b"), s.marks()));
    }

    @Test
    void textWithoutMarksIsOneChunkAndEmptyTextNone() {
        assertEquals(List.of("no marks here"), Punctuation.preserve("no marks here").chunks());
        assertEquals(List.of(), Punctuation.preserve("").chunks());
        assertEquals(List.of(), Punctuation.restore(List.of(), List.of()));
    }

    @Test
    void aChunkEspeakReadsAsNothingCostsTheSpaceOfTheMarkBeforeIt() {
        // the empty chunk keeps its place, then phonemizer trims the word separator it finds at the end of
        // "ɐ, " before adding the next mark: the reference writes "ɐ,, bˈiː"
        Punctuation.Split s = Punctuation.preserve("a, ~, b");
        assertEquals(List.of("a", "~", "b"), s.chunks());
        assertEquals(List.of("ɐ,, bˈiː"), Punctuation.restore(List.of("ɐ", "", "bˈiː"), s.marks()));
    }

    @Test
    void aTrailingWordSeparatorIsDroppedBeforeAMark() {
        Punctuation.Split s = Punctuation.preserve("a, b");
        assertEquals(List.of("x, y"), Punctuation.restore(List.of("x ", "y"), s.marks()));
    }
}

package valle.text.langdetect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Expected values printed by CPython 3 ({@code random.Random(seed)}). */
class PythonRandomTest {

    @Test
    void seedZeroGivesCPythonsSequence() {
        PythonRandom r = new PythonRandom(0);
        assertEquals(0.8444218515250481, r.random());
        assertEquals(0.7579544029403025, r.random());
        // gauss draws a pair and keeps the second value for the next call
        assertEquals(-0.6797144480784211, r.gauss());
        assertEquals(0.3705035674606598, r.gauss());
        // choice(range(n)) goes through getrandbits(n.bit_length()) with rejection
        assertEquals(523, r.choiceIndex(1000));
        assertEquals(3, r.choiceIndex(7));
    }

    @Test
    void aSeedWiderThan32BitsSeedsFromBothWords() {
        assertEquals(0.37701448538609916, new PythonRandom(123456789012L).random());
    }
}

package valle.core.speech;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import valle.api.codec.Codes;

class VoiceTest {
    private static final Voice THREE = Voice.of("v", new Codes(3, 2, new int[] {1, 2, 3, 4, 5, 6}));

    @Test
    void inputPromptLengthRepeatsThenCutsAsTheReferenceDoes() {
        // int(75 * 0.1) = 7 frames: the 3 frames twice, then the first one
        Voice seven = THREE.repeatedTo(0.1);
        assertEquals(7, seven.codes().frames());
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6, 1, 2}, seven.codes().data());
        assertArrayEquals(new int[] {1, 2}, THREE.repeatedTo(1 / 75.0 + 1e-9).codes().data());
        assertSame(THREE, THREE.repeatedTo(0));
        assertSame(Voice.NONE, Voice.NONE.repeatedTo(3));
        assertThrows(IllegalArgumentException.class, () -> THREE.repeatedTo(0.001));
    }

    @Test
    void recordingsJoinInOrder() {
        Voice two = Voice.of("w", new Codes(1, 2, new int[] {7, 8}));
        Voice joined = Voice.joined("v;w", List.of(THREE, two));
        assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7, 8}, joined.codes().data());
        assertThrows(IllegalArgumentException.class,
                () -> Voice.joined("x", List.of(THREE, Voice.of("y", new Codes(1, 1, new int[] {1})))));
    }

    @Test
    void noneHasNoPromptAndEmptyCodesAreRefused() {
        assertFalse(Voice.NONE.hasPrompt());
        assertThrows(IllegalArgumentException.class, () -> Voice.of("empty", new Codes(0, 8, new int[0])));
        assertThrows(IllegalArgumentException.class, () -> new Voice("x", null));
    }
}

package valle.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import valle.api.codec.Codes;
import valle.api.plugin.Availability;
import valle.core.Valle;
import valle.core.infer.CodeRequest;
import valle.core.speech.InferenceSettings;
import valle.core.speech.SpeechListener;
import valle.core.speech.SpeechRequest;
import valle.core.speech.Voice;
import valle.core.text.EncodedText;

/** {@code language="auto"} through the facade: detection seeded by the request, and the language token it gets. */
class AutoLanguageTest {
    private static final Path MODEL = Path.of("golden/ar_nar/model.sft");
    private static final InferenceSettings GREEDY = InferenceSettings.fromKwargs(Map.of("ar_temperature", 0.0,
            "nar_temperature", 0.0, "top_no", 0.0, "max_duration", 12));

    @BeforeEach
    void needsAPhonemizer() {
        Availability a = TextFrontEndTest.phonemizer();
        assumeTrue(a.ok(), a::toString);
    }

    @Test
    void autoPhonemizesTheDetectedLanguageAndSaysWhichItWas() {
        try (Valle valle = Valle.builder().build()) {
            EncodedText auto = valle.encodeText("Guten Morgen, wie geht es dir?", "auto");
            assertEquals("de", auto.detectedLanguage());
            EncodedText named = valle.encodeText("Guten Morgen, wie geht es dir?", "de");
            assertEquals(named.phonemes(), auto.phonemes());
            assertArrayEquals(named.ids(), auto.ids());
            // the reference's detector is random on short texts: the seed decides, as DetectorFactory.seed does
            assertEquals("so", valle.detectLanguage("Hello, how are you today?", 0));
            assertTrue(Arrays.asList("en", "so", "cy").contains(valle.detectLanguage("Hello, how are you today?", 1)));
        }
    }

    @Test
    void whatTheReferenceCrashesOnIsAClearError() {
        try (Valle valle = Valle.builder().build()) {
            IllegalArgumentException none = assertThrows(IllegalArgumentException.class, () -> valle.encodeText("123", "auto"));
            assertTrue(none.getMessage().contains("pass the language instead of auto"), none.getMessage());
            IllegalArgumentException so = assertThrows(IllegalArgumentException.class, () -> valle.encodeText("Taxi", "auto"));
            assertTrue(so.getMessage().contains("'so'") && so.getMessage().contains("pass the language"), so.getMessage());
        }
    }

    @Test
    void autoGetsLanguageTokenZeroByDefaultAndTheDetectedOneWhenAsked() {
        String text = "Bonjour tout le monde.";
        SpeechRequest request = new SpeechRequest(text, SpeechRequest.Input.TEXT, "auto", Voice.NONE, GREEDY);
        try (Valle reference = Valle.builder().model(MODEL).build();
             Valle detected = Valle.builder().model(MODEL).detectedLanguageToken(true).build()) {
            int[] ids = reference.encodeText(text, "auto", GREEDY.seed()).ids();
            assertEquals("fr", reference.encodeText(text, "auto", GREEDY.seed()).detectedLanguage());
            Codes zero = reference.generate(new CodeRequest(ids, 0, null, GREEDY));
            Codes french = reference.generate(new CodeRequest(ids, 3, null, GREEDY));
            assertFalse(Arrays.equals(zero.data(), french.data()), "the tiny model should tell tokens 0 and 3 apart");
            assertArrayEquals(zero.data(), reference.generate(request, SpeechListener.NONE).data());
            assertArrayEquals(french.data(), detected.generate(request, SpeechListener.NONE).data());
        }
    }
}

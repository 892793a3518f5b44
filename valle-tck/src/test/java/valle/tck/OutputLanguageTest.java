package valle.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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

/**
 * The output language (the reference's {@code language}, the web UI's "Language (Output)") against the text's
 * (its {@code text_language}): the text is phonemized in the text's language and only the language token of the
 * sequence (the {@code lang} segment, {@link CodeRequest#lang()}) is the output language's.
 */
class OutputLanguageTest {
    private static final Path MODEL = Path.of("golden/ar_nar/model.sft");
    private static final InferenceSettings GREEDY = InferenceSettings.fromKwargs(Map.of("ar_temperature", 0.0,
            "nar_temperature", 0.0, "top_no", 0.0, "max_duration", 12));
    private static final String FRENCH = "Bonjour tout le monde.";

    @BeforeEach
    void needsAPhonemizer() {
        Availability a = TextFrontEndTest.phonemizer();
        assumeTrue(a.ok(), a::toString);
    }

    @Test
    void byDefaultTheTextsLanguageIsSpokenAsBefore() {
        SpeechRequest request = new SpeechRequest(FRENCH, SpeechRequest.Input.TEXT, "fr", Voice.NONE, GREEDY);
        assertNull(request.outputLanguage());
        assertEquals("fr", request.spokenLanguage());
        assertEquals("de", request.withLanguage("de").spokenLanguage(), "the default follows the text's language");
        assertEquals("ja", request.withOutputLanguage("ja").withLanguage("de").spokenLanguage());
        try (Valle valle = Valle.builder().model(MODEL).build()) {
            int[] ids = valle.encodeText(FRENCH, "fr").ids();
            Codes french = valle.generate(new CodeRequest(ids, 3, null, GREEDY));
            assertArrayEquals(french.data(), valle.generate(request, SpeechListener.NONE).data());
            assertArrayEquals(french.data(), valle.generate(request.withOutputLanguage("fr"), SpeechListener.NONE).data());
        }
    }

    @Test
    void anotherOutputLanguageChangesTheLanguageTokenOnly() {
        SpeechRequest request = new SpeechRequest(FRENCH, SpeechRequest.Input.TEXT, "fr", Voice.NONE, GREEDY);
        try (Valle valle = Valle.builder().model(MODEL).build()) {
            int[] frenchPhonemes = valle.encodeText(FRENCH, "fr").ids();
            Codes german = valle.generate(new CodeRequest(frenchPhonemes, 2, null, GREEDY));
            Codes zero = valle.generate(new CodeRequest(frenchPhonemes, 0, null, GREEDY));
            Codes asFrench = valle.generate(request, SpeechListener.NONE);
            assertFalse(Arrays.equals(german.data(), asFrench.data()), "the tiny model should tell tokens 2 and 3 apart");
            assertArrayEquals(german.data(), valle.generate(request.withOutputLanguage("de"), SpeechListener.NONE).data());
            // the reference's auto: token 0, whatever the text's language
            assertArrayEquals(zero.data(), valle.generate(request.withOutputLanguage("auto"), SpeechListener.NONE).data());
            IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                    () -> valle.generate(request.withOutputLanguage("xx"), SpeechListener.NONE));
            assertTrue(unknown.getMessage().contains("unknown language 'xx'"), unknown.getMessage());
        }
    }

    @Test
    void aNamedOutputLanguageWinsOverTheDetectedToken() {
        SpeechRequest request = new SpeechRequest(FRENCH, SpeechRequest.Input.TEXT, "auto", Voice.NONE, GREEDY)
                .withOutputLanguage("de");
        try (Valle detected = Valle.builder().model(MODEL).detectedLanguageToken(true).build()) {
            int[] ids = detected.encodeText(FRENCH, "auto", GREEDY.seed()).ids();
            assertEquals("fr", detected.encodeText(FRENCH, "auto", GREEDY.seed()).detectedLanguage());
            assertArrayEquals(detected.generate(new CodeRequest(ids, 2, null, GREEDY)).data(),
                    detected.generate(request, SpeechListener.NONE).data());
        }
    }
}

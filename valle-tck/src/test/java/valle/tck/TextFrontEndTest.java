package valle.tck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import valle.api.codec.Codes;
import valle.api.plugin.Availability;
import valle.core.Valle;
import valle.core.infer.CodeRequest;
import valle.core.speech.InferenceSettings;
import valle.core.speech.SpeechListener;
import valle.core.speech.SpeechRequest;
import valle.core.speech.Voice;
import valle.core.text.EncodedText;
import valle.core.text.SentenceSplitter;

/** Plain text through the facade and the TCK's text cases, with the espeak plugin on the test path. */
class TextFrontEndTest {
    private static Valle valle;

    @BeforeAll
    static void load() {
        valle = Valle.builder().model(Path.of("golden/ar_nar/model.sft")).build();
    }

    @AfterAll
    static void close() {
        valle.close();
    }

    /** Whether a phonemizer can run here, and if not why; text cases are skipped only then. */
    static Availability phonemizer() {
        try (Valle v = Valle.builder().build()) {
            return v.plugins().phonemizers().all().stream().map(p -> p.availability()).filter(Availability::ok)
                    .findFirst().orElse(Availability.no("no phonemizer can run here ("
                            + v.plugins().phonemizers().all().stream().map(p -> p.name() + ": " + p.availability()).toList()
                            + ")", "install espeak-ng: apt-get install espeak-ng"));
        }
    }

    @BeforeEach
    void needsAPhonemizer() {
        Availability a = phonemizer();
        assumeTrue(a.ok(), () -> a.toString());
    }

    @Test
    void helloWorldIsPhonemizedAndTokenizedAsTheReferenceDoes() {
        EncodedText e = valle.encodeText("Hello, world.", "en");
        assertFalse(e.raw());
        assertEquals("həlˈoʊ, wˈɜːld.", e.phonemes());
        assertArrayEquals(new int[] {1, 22, 111, 100, 9, 4, 37, 115, 169, 11, 2}, e.ids());
    }

    @Test
    void textThatTokenizesWithoutUnknownsIsUsedAsItIs() {
        EncodedText ipa = valle.encodeText("həlˈoʊ, wˈɜːld.", "en");
        assertTrue(ipa.raw());
        assertArrayEquals(valle.tokenizer().encode("həlˈoʊ, wˈɜːld."), ipa.ids());
        // the reference's quirk: lower-case ASCII without 'g' is in the vocabulary, so it is never phonemized
        assertTrue(valle.encodeText("hello, world.", "en").raw());
    }

    @Test
    void emptyTextAndUnknownLanguagesAreRefusedInOneLine() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> valle.encodeText(" ", "en"));
        assertTrue(empty.getMessage().contains("the text is empty"), empty.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> valle.encodeText("Hello.", "xx"));
        assertTrue(unknown.getMessage().startsWith("unknown language 'xx'") && !unknown.getMessage().contains("\n"),
                unknown.getMessage());
        // checked even where the precheck would not need the phonemizer
        assertThrows(IllegalArgumentException.class, () -> valle.encodeText("hello", "xx"));
    }

    @Test
    void speakGeneratesEachSentenceAndJoinsTheirCodesInOrder() {
        InferenceSettings s = InferenceSettings.fromKwargs(Map.of("ar_temperature", 0.0, "nar_temperature", 0.0,
                "top_no", 0.0, "max_duration", 12));
        String text = "Hello, world. How are you?";
        Codes joined = valle.generate(SpeechRequest.of(text, Voice.NONE).withSettings(s), SpeechListener.NONE);
        List<String> sentences = SentenceSplitter.split(text);
        assertEquals(List.of("Hello, world.", "How are you?"), sentences);
        List<int[]> parts = new ArrayList<>();
        int frames = 0;
        for (String sentence : sentences) {
            Codes c = valle.generate(new CodeRequest(valle.encodeText(sentence, "en").ids(), 0, null, s));
            parts.add(c.data());
            frames += c.frames();
        }
        assertEquals(frames, joined.frames());
        int[] expected = new int[joined.data().length];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, expected, at, p.length);
            at += p.length;
        }
        assertArrayEquals(expected, joined.data());
    }

    @Test
    void aTextCasesFileAnywhereRunsOneLinePerCaseAndAFailureShowsBothPhonemeStrings(@TempDir Path tmp) throws Exception {
        String good = "{\"cases\": [{\"text\": \"Hello, world.\", \"language\": \"en\", \"voice\": \"en-us\","
                + " \"precheck_raw\": false, \"phonemes\": \"həlˈoʊ, wˈɜːld.\", \"ids\": [1, 22, 111, 100, 9, 4, 37, 115, 169, 11, 2]},"
                + " {\"text\": \"Hello world\", \"language\": \"en\", \"voice\": \"en-us\", \"precheck_raw\": false,"
                + " \"phonemes\": \"hɛlˈoʊ wˈɜːld\", \"ids\": [1, 2]},"
                + " {\"text\": \"hello\", \"language\": \"en\", \"voice\": \"en-us\", \"precheck_raw\": true,"
                + " \"phonemes\": null, \"ids\": [1, 22, 20, 26, 26, 29, 2]}]}";
        Files.createDirectories(tmp.resolve("deep/er"));
        Files.writeString(tmp.resolve("deep/er/cases.json"), good);
        // another kit's cases.json is not a text file and is left alone
        Files.writeString(tmp.resolve("cases.json"), "{\"cases\": [{\"wav\": \"a.wav\"}]}");
        List<String> lines = new ArrayList<>();
        new ConformanceSuite(null, null).run(tmp, r -> lines.add(r.line()));
        assertEquals(3, lines.size(), lines.toString());
        assertEquals("PASS deep/er/cases.json#0", lines.get(0));
        assertTrue(lines.get(1).startsWith("FAIL deep/er/cases.json#1 \"Hello world\" (en): phonemes expected"
                + " \"hɛlˈoʊ wˈɜːld\" got \"həlˈoʊ wˈɜːld\"; ids expected [1, 2] got [1, "), lines.get(1));
        assertEquals("PASS deep/er/cases.json#2", lines.get(2));
    }
}

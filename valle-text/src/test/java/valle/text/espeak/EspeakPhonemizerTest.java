package valle.text.espeak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import valle.api.plugin.Availability;

/** The plugin against the installed libespeak-ng (skipped, with the reason, where it is not installed). */
class EspeakPhonemizerTest {
    private final EspeakPhonemizer espeak = new EspeakPhonemizer();

    @BeforeEach
    void needsTheLibrary() {
        Availability a = espeak.availability();
        assumeTrue(a.ok(), () -> "libespeak-ng is not installed here: " + a);
    }

    @Test
    void helloWorldIsTheReferencesString() {
        assertEquals("həlˈoʊ, wˈɜːld.", espeak.phonemize("Hello, world.", "en"));
    }

    @Test
    void theLibraryIsCalledNotTheCommandLineTool() {
        // espeak-ng's CLI synthesises and stresses the clause-final "he" (hˈiː); the library, like the
        // reference, does not (docs/spec/codec.md §6.4)
        assertTrue(espeak.phonemize("Fuzzy Wuzzy wasn't very fuzzy, was he?", "en").endsWith("wʌz hiː?"));
    }

    @Test
    void languageSwitchFlagsAreKept() {
        assertEquals("pɔʁtˈe sə- vjˈø (en)wˈɪski(fr) o ʒˈyʒ blˈɔ̃ ki fˈym.",
                espeak.phonemize("Portez ce vieux whisky au juge blond qui fume.", "fr"));
    }

    @Test
    void pinyinToneDigitsAreRemapped() {
        assertEquals("nˈiˉ χˈɑuˉ", espeak.phonemize("ni3 hao3", "zh"));
    }

    @Test
    void japaneseKatakanaIsReadAsItsHiragana() {
        assertEquals(espeak.phonemize("さようなら", "ja"), espeak.phonemize("サヨウナラ", "ja"));
    }

    @Test
    void anUnknownLanguageIsRefusedSayingWhatToUse() {
        Availability a = espeak.supports("xx");
        assertFalse(a.ok());
        assertTrue(a.reason().contains("unknown language 'xx'") && a.fix().contains("en, de, fr, zh, ja, ko"), a.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> espeak.phonemize("Hi.", "xx"));
        assertEquals(a.toString(), e.getMessage());
        assertFalse(espeak.supports("auto").ok());
        assertTrue(espeak.supports("de").ok() && espeak.supports("zh-tw").ok());
    }

    @Test
    void textThatIsOnlyPunctuationIsReturnedAsItIs() {
        assertEquals("?!", espeak.phonemize("?!", "en"));
    }

    @Test
    void concurrentCallsInSeveralLanguagesGiveTheSerialResults() throws Exception {
        List<String[]> inputs = List.of(new String[] {"Hello, world.", "en"}, new String[] {"Guten Morgen, wie geht es dir?", "de"},
                new String[] {"Je ne sais pas.", "fr"}, new String[] {"ni3 hao3", "zh"},
                new String[] {"안녕하세요.", "ko"}, new String[] {"ありがとうございます！", "ja"},
                new String[] {"The birch canoe slid on the smooth planks.", "en"},
                new String[] {"Zwölf Boxkämpfer jagen Viktor quer über den großen Sylter Deich.", "de"});
        List<String> serial = new ArrayList<>();
        for (String[] in : inputs) {
            serial.add(espeak.phonemize(in[0], in[1]));
        }
        int threads = 8;
        int rounds = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<List<String>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t;
                Callable<List<String>> task = () -> {
                    // each thread walks the inputs from its own offset, so voices switch between calls
                    List<String> got = new ArrayList<>(serial);
                    for (int r = 0; r < rounds; r++) {
                        for (int k = 0; k < inputs.size(); k++) {
                            int i = (k + offset + r) % inputs.size();
                            String p = espeak.phonemize(inputs.get(i)[0], inputs.get(i)[1]);
                            if (!p.equals(serial.get(i))) {
                                got.set(i, p);
                            }
                        }
                    }
                    return got;
                };
                futures.add(pool.submit(task));
            }
            for (Future<List<String>> f : futures) {
                assertEquals(serial, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}

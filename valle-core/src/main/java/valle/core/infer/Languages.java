package valle.core.infer;

import java.util.List;
import java.util.Locale;

/** The reference's language ids (§2.4): {@code en 0, ja 1, de 2, fr 3, zh 4, ko 5}. */
public final class Languages {
    private static final List<String> CODES = List.of("en", "ja", "de", "fr", "zh", "ko");

    private Languages() {
    }

    /**
     * The id of a language code. {@code auto} is 0, as in the reference, which encodes the language before
     * detecting it (§7.4 item 3), so phonemes in it run; text in it is refused by the phonemizer, so errors do not
     * offer it. An unknown code is an error rather than the reference's silent 0.
     */
    public static int id(String language) {
        String code = language.toLowerCase(Locale.ROOT).strip();
        if (code.equals("auto")) {
            return 0;
        }
        int i = CODES.indexOf(code);
        if (i < 0) {
            // auto is left out on purpose: text in it is refused (valle does no language detection)
            throw new IllegalArgumentException("unknown language '" + language + "': use one of " + String.join(", ", CODES));
        }
        return i;
    }
}

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
     * detecting it (§7.4 item 3). An unknown code is an error rather than the reference's silent 0.
     */
    public static int id(String language) {
        String code = language.toLowerCase(Locale.ROOT).strip();
        if (code.equals("auto")) {
            return 0;
        }
        int i = CODES.indexOf(code);
        if (i < 0) {
            throw new IllegalArgumentException("unknown language '" + language + "': use one of "
                    + String.join(", ", CODES) + " or auto");
        }
        return i;
    }

    /**
     * The id of a detected language as the reference's {@code encode_lang} gives it ({@code vall_e/inference.py}
     * of {@code batched_inference}): its id when it has one, else 0, so {@code zh-cn} and {@code zh-tw} get 0 too.
     */
    public static int idOrZero(String detected) {
        return Math.max(0, CODES.indexOf(detected));
    }
}

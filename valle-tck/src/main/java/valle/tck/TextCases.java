package valle.tck;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import valle.core.Valle;
import valle.core.text.EncodedText;

/**
 * Text front-end cases: a {@code cases.json} of the schema of {@code valle-tck/golden/text} ({@code cases}, each with
 * {@code text}, {@code language}, {@code precheck_raw}, {@code phonemes} and {@code ids}), one result per case
 * ({@code text/cases.json#17}, numbered from 0 as in the file). A case passes when the precheck decision, the
 * phonemes and the ids all equal the reference's, character for character; a case with {@code error} passes when
 * valle refuses the text with an error.
 *
 * <p>The fields of {@code golden/text-more}: {@code kana} (pykakasi's hiragana, shown when the phonemes of a
 * Japanese case differ), and for {@code language: "auto"} {@code detected_language} and {@code detect_sweep} (how
 * often each language came out over 500 detector seeds). The reference's detector is random, so detection is
 * checked by the sweep: the language detected with seed 0 must be the sweep's one language where it has one, one of
 * its languages where it has several ({@code <LangDetectException>} standing for "nothing to detect"). Phonemes and
 * ids are then checked exactly given the golden's detected language.
 */
final class TextCases {
    private static final String AUTO = "auto";
    private static final String NO_FEATURES = "<LangDetectException>";

    private TextCases() {
    }

    /** Whether {@code doc} is a text cases file; other {@code cases.json} files belong to other kits. */
    static boolean isTextSchema(Map<String, Object> doc) {
        return doc.get("cases") instanceof List<?> cases && !cases.isEmpty() && cases.getFirst() instanceof Map<?, ?> c
                && c.containsKey("text") && c.containsKey("language") && c.containsKey("ids")
                && c.containsKey("precheck_raw");
    }

    static void run(String path, Map<String, Object> doc, Valle valle, Consumer<CaseResult> report) {
        List<?> cases = (List<?>) doc.get("cases");
        long seed = doc.get("langdetect_seed") instanceof Number n ? n.longValue() : 0;
        for (int i = 0; i < cases.size(); i++) {
            String id = path + "#" + i;
            try {
                report.accept(check(id, (Map<?, ?>) cases.get(i), valle, seed));
            } catch (RuntimeException e) {
                report.accept(new CaseResult(id, false, "error: " + e.getMessage()));
            }
        }
    }

    private static CaseResult check(String id, Map<?, ?> c, Valle valle, long seed) {
        String text = (String) c.get("text");
        String language = (String) c.get("language");
        List<String> differences = new ArrayList<>();
        String detail = "";
        if (AUTO.equals(language)) {
            String golden = c.get("detected_language") instanceof String s ? s : NO_FEATURES;
            String detected = detected(valle, text, seed);
            Map<?, ?> sweep = (Map<?, ?>) c.get("detect_sweep");
            if (sweep != null && !sweep.containsKey(detected)) {
                differences.add("detected " + detected + ", but the reference's detector gives " + sweep.keySet());
            } else if (sweep == null && !detected.equals(golden)) {
                differences.add("detected " + detected + ", expected " + golden);
            }
            detail = "detected " + detected + (sweep != null && sweep.size() > 1 ? " (one of " + sweep.keySet() + ")" : "")
                    + ", ";
            if (golden.equals(NO_FEATURES)) {
                return result(id, text, language, differences, detail + "no features, as the reference");
            }
            // exact given the golden's language: auto itself when it detects that, else the language named
            language = detected.equals(golden) ? AUTO : golden;
        }
        if (c.get("error") != null) {
            try {
                EncodedText e = encode(valle, text, language, seed);
                differences.add("expected an error (the reference: " + c.get("error") + "), got " + quoted(e.phonemes()));
            } catch (IllegalArgumentException expected) {
                detail += "refused as the reference fails";
            }
            return result(id, text, language, differences, detail);
        }
        boolean raw = Boolean.TRUE.equals(c.get("precheck_raw"));
        String phonemes = raw ? text : (String) c.get("phonemes");
        int[] ids = ((List<?>) c.get("ids")).stream().mapToInt(x -> ((Number) x).intValue()).toArray();

        EncodedText actual = encode(valle, text, language, seed);
        if (actual.raw() != raw) {
            differences.add("precheck expected " + (raw ? "raw text" : "phonemization") + ", got "
                    + (actual.raw() ? "raw text" : "phonemization"));
        }
        if (!actual.phonemes().equals(phonemes)) {
            differences.add("phonemes expected " + quoted(phonemes) + " got " + quoted(actual.phonemes())
                    + (c.get("kana") instanceof String kana ? " (the reference's kana: " + quoted(kana) + ")" : ""));
        }
        if (!Arrays.equals(actual.ids(), ids)) {
            differences.add("ids expected " + Arrays.toString(ids) + " got " + Arrays.toString(actual.ids()));
        }
        return result(id, text, language, differences, detail + "precheck, phonemes and " + ids.length + " ids");
    }

    private static EncodedText encode(Valle valle, String text, String language, long seed) {
        return AUTO.equals(language) ? valle.encodeText(text, language, seed) : valle.encodeText(text, language);
    }

    private static String detected(Valle valle, String text, long seed) {
        try {
            return valle.detectLanguage(text, seed);
        } catch (IllegalArgumentException e) {
            return NO_FEATURES;
        }
    }

    private static CaseResult result(String id, String text, String language, List<String> differences, String detail) {
        if (differences.isEmpty()) {
            return new CaseResult(id, true, detail);
        }
        return new CaseResult(id, false, quoted(text) + " (" + language + "): " + String.join("; ", differences));
    }

    /** The string in quotes with newlines and tabs visible, so a FAIL line stays one line. */
    private static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\"", "\\\"") + "\"";
    }
}

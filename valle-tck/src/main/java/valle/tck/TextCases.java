package valle.tck;

import java.nio.file.Path;
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
 * phonemes and the ids all equal the reference's, character for character.
 */
final class TextCases {
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
        for (int i = 0; i < cases.size(); i++) {
            String id = path + "#" + i;
            try {
                report.accept(check(id, (Map<?, ?>) cases.get(i), valle));
            } catch (RuntimeException e) {
                report.accept(new CaseResult(id, false, "error: " + e.getMessage()));
            }
        }
    }

    private static CaseResult check(String id, Map<?, ?> c, Valle valle) {
        String text = (String) c.get("text");
        String language = (String) c.get("language");
        boolean raw = Boolean.TRUE.equals(c.get("precheck_raw"));
        String phonemes = raw ? text : (String) c.get("phonemes");
        int[] ids = ((List<?>) c.get("ids")).stream().mapToInt(x -> ((Number) x).intValue()).toArray();

        EncodedText actual = valle.encodeText(text, language);
        List<String> differences = new ArrayList<>();
        if (actual.raw() != raw) {
            differences.add("precheck expected " + (raw ? "raw text" : "phonemization") + ", got "
                    + (actual.raw() ? "raw text" : "phonemization"));
        }
        if (!actual.phonemes().equals(phonemes)) {
            differences.add("phonemes expected " + quoted(phonemes) + " got " + quoted(actual.phonemes()));
        }
        if (!Arrays.equals(actual.ids(), ids)) {
            differences.add("ids expected " + Arrays.toString(ids) + " got " + Arrays.toString(actual.ids()));
        }
        if (differences.isEmpty()) {
            return new CaseResult(id, true, "precheck, phonemes and " + ids.length + " ids");
        }
        return new CaseResult(id, false, quoted(text) + " (" + language + "): " + String.join("; ", differences));
    }

    /** The string in quotes with newlines and tabs visible, so a FAIL line stays one line. */
    private static String quoted(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\"", "\\\"") + "\"";
    }
}

package valle.tck;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import valle.core.speech.SttDecoding;
import valle.core.text.PhonemeDecoder;

/**
 * Speech-to-text decode cases: a {@code decode_cases*.json} whose {@code cases} each hold {@code name}, {@code ids},
 * and the reference's {@code decoded_raw} ({@code tokenizer.decode}) and {@code decoded_text} (after
 * {@code inference.py:423}'s replace chain), optionally {@code decoded_joined} for the space-keeping mode. One result
 * per case ({@code decode_cases.json#latin1_letter_alone}); a case passes when every string it has is equal, code
 * point for code point.
 */
final class DecodeCases {
    private DecodeCases() {
    }

    static void run(String path, Map<String, Object> doc, Consumer<CaseResult> report) {
        if (!(doc.get("cases") instanceof List<?> cases)) {
            report.accept(new CaseResult(path, false, "no \"cases\" list"));
            return;
        }
        PhonemeDecoder decoder = PhonemeDecoder.bundled();
        for (int i = 0; i < cases.size(); i++) {
            Map<?, ?> c = (Map<?, ?>) cases.get(i);
            String id = path + "#" + (c.get("name") instanceof String n ? n : String.valueOf(i));
            Check check = new Check();
            try {
                int[] ids = ((List<?>) c.get("ids")).stream().mapToInt(x -> ((Number) x).intValue()).toArray();
                if (c.get("decoded_raw") instanceof String raw) {
                    check.equal("decoded_raw", quoted(raw), quoted(decoder.byteLevel(ids)));
                }
                if (c.get("decoded_text") instanceof String text) {
                    check.equal("decoded_text", quoted(text), quoted(decoder.decode(ids, SttDecoding.REFERENCE)));
                }
                if (c.get("decoded_joined") instanceof String joined) {
                    check.equal("decoded_joined", quoted(joined), quoted(decoder.decode(ids, SttDecoding.JOINED)));
                }
            } catch (RuntimeException e) {
                check.fail("error: " + e.getMessage());
            }
            report.accept(check.result(id));
        }
    }

    /** The string with every code point outside printable ASCII as {@code \\u{...}}, so a FAIL line shows it. */
    private static String quoted(String s) {
        StringBuilder b = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            if (cp >= 0x20 && cp < 0x7F) {
                b.appendCodePoint(cp);
            } else {
                b.append(String.format("\\u{%04X}", cp));
            }
        });
        return b.append('"').toString();
    }
}

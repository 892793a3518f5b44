package valle.text.espeak;

import java.text.Normalizer;

/**
 * The reference's Japanese step before espeak ({@code coerce_to_hiragana}: pykakasi's {@code convert}, each
 * item's {@code hira} joined), for text without kanji. Kanji need pykakasi's reading dictionary, which has no
 * faithful JVM counterpart, so they are refused with a message rather than read differently.
 *
 * <p>What pykakasi does to the other characters, reproduced here: hiragana and most symbols pass through;
 * katakana become hiragana (U+30A1–U+30F6 shifted, U+30F7–U+30FC kept); half-width katakana go through its
 * half-width table (a base letter with a following {@code ﾞ} composes); and the characters no class of its
 * claims are dropped: controls (tab and newline included), U+007F–U+00A0, U+0100–U+0390, U+30FD–U+33FF,
 * U+E000–U+FFFF outside the full-width forms it knows, and everything above U+FFFF but its small kana.
 */
final class KanaConversion {
    private static final int KATAKANA_TO_HIRAGANA = 0x30A1 - 0x3041;
    private static final int HALFWIDTH_VOICED_MARK = 0xFF9E;

    private KanaConversion() {
    }

    /**
     * @throws IllegalArgumentException when the text holds a kanji (or another character pykakasi would look
     *                                  up in its kanji dictionary)
     */
    static String toHiragana(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            int c = text.codePointAt(i);
            int next = i + Character.charCount(c);
            if (needsDictionary(c)) {
                throw new IllegalArgumentException(String.format("Japanese text with kanji is not supported: '%s' (U+%04X)"
                        + " needs the reference's pykakasi kanji dictionary, which valle does not have; write the text"
                        + " in kana (hiragana or katakana)", Character.toString(c), c));
            }
            if (c == HALFWIDTH_VOICED_MARK) {
                // alone, the mark is in pykakasi's table as the full-width sound mark (NFKC would make it combining)
                out.append('\u309B');
            } else if (c >= 0xFF66 && c < HALFWIDTH_VOICED_MARK) {
                boolean voiced = next < text.length() && text.charAt(next) == HALFWIDTH_VOICED_MARK;
                String full = voiced ? composed(text.substring(i, next + 1)) : null;
                if (full != null) {
                    next++;
                } else {
                    full = Normalizer.normalize(Character.toString(c), Normalizer.Form.NFKC);
                }
                int k = full.codePointAt(0);
                // pykakasi shifts whatever its table gives, so half-width ｰ ends as U+309C, not ー
                out.appendCodePoint(k - KATAKANA_TO_HIRAGANA);
            } else if (c >= 0x30A1 && c <= 0x30F6) {
                out.appendCodePoint(c - KATAKANA_TO_HIRAGANA);
            } else if (c >= 0x1B164 && c <= 0x1B166) {
                out.appendCodePoint(c - (0x1B164 - 0x1B150));
            } else if (c == 0x1B167) {
                out.append('ん');
            } else if (!dropped(c)) {
                out.appendCodePoint(c);
            }
            i = next;
        }
        return out.toString();
    }

    /** A half-width letter and {@code ﾞ} as the one full-width katakana of pykakasi's table, or null. */
    private static String composed(String pair) {
        String nfkc = Normalizer.normalize(pair, Normalizer.Form.NFKC);
        int c = nfkc.codePointAt(0);
        // the table has the voiced カ–ホ rows and ヴ, not ヷ–ヺ, which NFKC would also compose
        boolean inTable = nfkc.codePointCount(0, nfkc.length()) == 1 && (c < 0x30F7 || c > 0x30FA);
        return inTable ? nfkc : null;
    }

    /** The range pykakasi sends to its kanji converter (0x3400–0xDFFF), and the CJK ideographs beyond it. */
    private static boolean needsDictionary(int c) {
        return (c >= 0x3400 && c < 0xE000) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x3FFFF);
    }

    private static boolean dropped(int c) {
        if (c < 0x20 || (c >= 0x7F && c <= 0xA0) || (c >= 0x100 && c <= 0x390) || (c >= 0x30FD && c < 0x3400)) {
            return true;
        }
        if (c >= 0xE000 && c <= 0xFFFF) {
            boolean claimed = (c >= 0xFF01 && c <= 0xFF1A) || (c >= 0xFF20 && c <= 0xFF5E) || c == 0xFF1C
                    || c == 0xFF1E || c == 0xFF1F;
            return !claimed;
        }
        return c > 0xFFFF && !(c >= 0x1B150 && c <= 0x1B152);
    }
}

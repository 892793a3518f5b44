package valle.text.kakasi;

import java.util.HashMap;
import java.util.Map;

/**
 * pykakasi's katakana to hiragana step, applied to each segment's reading ({@code IConv._k2h} with {@code K2("H")},
 * {@code src/pykakasi/scripts.py}). The text is taken in windows of 32 code points, as pykakasi does, so a
 * half-width letter and its voiced mark split by a window edge are converted one by one there too.
 */
final class KatakanaToHiragana {
    private static final int WINDOW = 32;
    private static final int KATAKANA_OFFSET = 0x30A1 - 0x3041;
    private static final int SMALL_KANA_OFFSET = 0x1B164 - 0x1B150;
    private static final int VOICED_SOUND_MARK = 0x309B;

    /** {@code src/data/halfkana.utf8}: half-width katakana (one letter, or a letter and {@code ﾞ}/{@code ﾟ}) to full-width. */
    private final Map<String, String> halfWidth;

    private KatakanaToHiragana(Map<String, String> halfWidth) {
        this.halfWidth = halfWidth;
    }

    static KatakanaToHiragana load() {
        Map<String, String> table = new HashMap<>();
        for (String line : TableFiles.lines("halfkana.utf8")) {
            String[] vk = TableFiles.decodeEscapes(line).split(" ", -1);
            table.put(vk[1], vk[0]);
        }
        return new KatakanaToHiragana(Map.copyOf(table));
    }

    String convert(String text) {
        int[] cps = text.codePoints().toArray();
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < cps.length) {
            int end = Math.min(i + WINDOW, cps.length);
            int used = convertPrefix(cps, i, end, out);
            if (used > 0) {
                i += used;
            } else {
                out.appendCodePoint(cps[i]);
                i++;
            }
        }
        return out.toString();
    }

    /**
     * {@code K2.convert_h}: converts the katakana run at the start of {@code [from, end)} and returns how far the
     * caller moves on (one more than the run at a window's edge, see above).
     */
    private int convertPrefix(int[] cps, int from, int end, StringBuilder out) {
        int x = from;
        while (x < end) {
            int c = cps[x];
            if (c >= 0x1B164 && c < 0x1B167) {
                out.appendCodePoint(c - SMALL_KANA_OFFSET);
                x++;
            } else if (c == 0x1B167) {
                out.append('ん');
                x++;
            } else if (c > 0x30A0 && c < 0x30F7) {
                out.appendCodePoint(c - KATAKANA_OFFSET);
                x++;
            } else if (c >= 0x30F7 && c < 0x30FD) {
                out.appendCodePoint(c);
                x++;
            } else if (isHalfWidthKana(c)) {
                String full = null;
                int length = 0;
                for (int n = 2; n >= 1 && full == null; n--) {
                    // Python's text[:2] is one letter at the window's end, still counted as 2: the character
                    // after the window is then skipped, as in pykakasi
                    full = halfWidth.get(new String(cps, x, Math.min(n, end - x)));
                    length = n;
                }
                if (full != null) {
                    int k = full.codePointAt(0);
                    // every result is shifted, so half-width ｰ (→ ー) ends as U+309C: pykakasi's quirk, kept
                    out.appendCodePoint(k == VOICED_SOUND_MARK ? k : k - KATAKANA_OFFSET);
                    x += length;
                } else {
                    x++; // pykakasi skips a half-width character its table lacks
                }
            } else {
                break;
            }
        }
        return x - from;
    }

    static boolean isHalfWidthKana(int c) {
        return c > 0xFF65 && c < 0xFF9F;
    }
}

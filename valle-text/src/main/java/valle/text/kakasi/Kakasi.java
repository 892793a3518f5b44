package valle.text.kakasi;

import java.util.ArrayList;
import java.util.List;

/**
 * pykakasi 2.3.0's {@code Kakasi.convert} ({@code src/pykakasi/kakasi.py}), the step the reference runs on Japanese
 * before espeak-ng ({@code coerce_to_hiragana} of {@code vall_e/emb/g2p.py}: the {@code hira} fields joined). A
 * port, quirks included, because the model was trained on what it produces:
 *
 * <ul>
 *   <li>kanji take the longest key of {@link KanwaDictionary} after {@link VariantFolding variant folding}, so
 *       {@code 今日は} reads {@code こんにちは} and {@code 分か} beats {@code 分};</li>
 *   <li>a kanji missing from the dictionary yields nothing and the character after it is dropped too;</li>
 *   <li>a character no class claims (controls, most of U+0100–U+0390, ...) yields nothing, but the segment
 *       before it is written again later, so {@code あ\nい} gives {@code ああい}; private-use characters and every
 *       character above U+FFFF do the same without their own segment;</li>
 *   <li>the text is walked by code point, as Python indexes a {@code str}.</li>
 * </ul>
 *
 * <p>The dictionary loads on first use (about a second); thread-safe afterwards.
 */
public final class Kakasi {
    private static final String END_MARKS = ")]!,.,、。？０＞＜";
    private static final String LONG_SYMBOLS = "ー―−ｰ";

    private enum Type { KANJI, KANA, HIRAGANA, SYMBOL, ALPHA }

    private enum Action { NOBUFOUT_AND_OUTPUT_CURRENT_AND_NEXT, BUFOUT_AND_SKIP_CURRENT, PUT_AND_NEXT, BUFOUT_AND_NEXT,
        DO_NOTHING }

    private static final class Tables {
        static final KanwaDictionary KANWA = KanwaDictionary.load();
        static final VariantFolding ITAIJI = VariantFolding.load();
        static final KatakanaToHiragana K2H = KatakanaToHiragana.load();
    }

    private Kakasi() {
    }

    /** The reference's {@code coerce_to_hiragana}: every segment's hiragana, joined without a separator. */
    public static String toHiragana(String text) {
        StringBuilder out = new StringBuilder(text.length() * 2);
        for (Segment s : convert(text)) {
            out.append(s.hiragana());
        }
        return out.toString();
    }

    /**
     * pykakasi's segments for {@code text}.
     *
     * @throws IllegalArgumentException for the inputs on which pykakasi itself fails (a variation selector with
     *                                  nothing after it)
     */
    public static List<Segment> convert(String text) {
        int[] cps = text.codePoints().toArray();
        List<Segment> result = new ArrayList<>();
        if (cps.length == 0) {
            result.add(new Segment("", ""));
            return result;
        }
        StringBuilder original = new StringBuilder();
        StringBuilder kana = new StringBuilder();
        Type previous = Type.KANJI;
        int i = 0;
        while (i < cps.length) {
            int c = cps[i];
            Action action;
            if (END_MARKS.indexOf(c) >= 0) {
                previous = Type.SYMBOL;
                action = Action.BUFOUT_AND_NEXT;
            } else if (LONG_SYMBOLS.indexOf(c) >= 0) {
                action = Action.PUT_AND_NEXT; // takes the previous character's class
            } else if (isKatakana(c)) {
                action = previous == Type.KANA ? Action.PUT_AND_NEXT : Action.BUFOUT_AND_NEXT;
                previous = Type.KANA;
            } else if (isHiragana(c)) {
                action = previous == Type.HIRAGANA ? Action.PUT_AND_NEXT : Action.BUFOUT_AND_NEXT;
                previous = Type.HIRAGANA;
            } else if (c >= 0x20 && c < 0x7F) {
                action = previous == Type.ALPHA ? Action.PUT_AND_NEXT : Action.BUFOUT_AND_NEXT;
                previous = Type.ALPHA;
            } else if (isSymbol(c)) {
                action = previous != Type.SYMBOL ? Action.BUFOUT_AND_NEXT : Action.NOBUFOUT_AND_OUTPUT_CURRENT_AND_NEXT;
                previous = Type.SYMBOL;
            } else if ((c >= 0x3400 && c < 0xE000) || Tables.ITAIJI.hasKey(c)) {
                flush(result, original, kana);
                Reading r = read(cps, i, original.toString());
                previous = Type.KANJI;
                original.setLength(0);
                kana.setLength(0);
                if (r.length() > 0) {
                    original.append(new String(cps, i, Math.min(r.length(), cps.length - i)));
                    kana.append(r.kana());
                    i += r.length();
                    action = Action.DO_NOTHING;
                } else {
                    original.appendCodePoint(c);
                    i++;
                    action = Action.BUFOUT_AND_SKIP_CURRENT;
                }
            } else if ((c >= 0xF000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFD)) {
                // pykakasi takes these for private use and drops them; the buffer is written but not cleared
                previous = Type.SYMBOL;
                flush(result, original, kana);
                i++;
                action = Action.DO_NOTHING;
            } else {
                // no class: dropped, and again the buffer is written without being cleared
                flush(result, original, kana);
                result.add(segment(Character.toString(c), ""));
                i++;
                action = Action.DO_NOTHING;
            }

            switch (action) {
                case BUFOUT_AND_NEXT -> {
                    flush(result, original, kana);
                    original.setLength(0);
                    kana.setLength(0);
                    original.appendCodePoint(cps[i]);
                    kana.appendCodePoint(cps[i]);
                    i++;
                }
                case PUT_AND_NEXT -> {
                    original.appendCodePoint(cps[i]);
                    kana.appendCodePoint(cps[i]);
                    i++;
                }
                case NOBUFOUT_AND_OUTPUT_CURRENT_AND_NEXT -> {
                    flush(result, original, kana);
                    String current = Character.toString(cps[i]);
                    result.add(segment(current, current));
                    original.setLength(0);
                    kana.setLength(0);
                    i++;
                }
                case BUFOUT_AND_SKIP_CURRENT -> {
                    flush(result, original, kana);
                    original.setLength(0);
                    kana.setLength(0);
                    i++; // the character after an unknown kanji is lost, as in pykakasi
                }
                case DO_NOTHING -> {
                }
            }
        }
        flush(result, original, kana);
        return result;
    }

    /** Writes the buffer as a segment when it is not empty; clearing it is the caller's business. */
    private static void flush(List<Segment> result, StringBuilder original, StringBuilder kana) {
        if (!original.isEmpty()) {
            result.add(segment(original.toString(), kana.toString()));
        }
    }

    private static Segment segment(String original, String kana) {
        return new Segment(original, Tables.K2H.convert(kana));
    }

    private record Reading(String kana, int length) {
    }

    /**
     * {@code JConv.convert}: the reading of the longest dictionary key at {@code from} (after variant folding), and
     * how many code points of the unfolded text it covers.
     */
    private static Reading read(int[] cps, int from, String previous) {
        int[] folded = Tables.ITAIJI.fold(cps, from);
        int unfoldedLength = cps.length - from;
        int removed = unfoldedLength - folded.length;
        if (folded.length == 0) {
            throw new IllegalArgumentException("pykakasi cannot convert text ending in a variation selector (U+"
                    + Integer.toHexString(cps[from]).toUpperCase() + "); remove it");
        }
        KanwaDictionary.Entry[] entries = Tables.KANWA.startingWith(folded[0]);
        if (entries == null) {
            return new Reading("", 0);
        }
        String kana = "";
        int length = 0;
        for (KanwaDictionary.Entry e : entries) {
            int[] key = e.key();
            if (key.length > length && key.length <= folded.length && startsWith(folded, key)
                    && e.appliesAfter(previous)) {
                kana = e.reading();
                length = key.length;
            }
        }
        // pykakasi's correction for removed variation selectors, with Python's indexing (-1 is the last)
        for (int n = 0; n < removed; n++) {
            if (length > unfoldedLength) {
                break;
            } else if (at(folded, length - 1) != cps[from + pythonIndex(unfoldedLength, length - 1)]) {
                length++;
            } else if (length < unfoldedLength && isVariationSelector(cps[from + length])) {
                length++;
            }
        }
        return new Reading(kana, length);
    }

    private static boolean startsWith(int[] text, int[] key) {
        for (int k = 0; k < key.length; k++) {
            if (text[k] != key[k]) {
                return false;
            }
        }
        return true;
    }

    private static int at(int[] a, int index) {
        return a[pythonIndex(a.length, index)];
    }

    private static int pythonIndex(int length, int index) {
        int i = index < 0 ? index + length : index;
        if (i < 0 || i >= length) {
            throw new IllegalArgumentException("pykakasi fails on this text (a variation selector after a kanji it"
                    + " cannot read); remove the variation selector");
        }
        return i;
    }

    /**
     * {@code JConv._is_vschr}: its first range is written {@code 0x0E0100 <= c <= 0x0E1EF}, which is empty, so only
     * U+FE00–U+FE02 count; a selector of the supplement is folded away but never counted back.
     */
    private static boolean isVariationSelector(int c) {
        return c >= 0xFE00 && c <= 0xFE02;
    }

    private static boolean isKatakana(int c) {
        return (c > 0x30A0 && c < 0x30FD) || KatakanaToHiragana.isHalfWidthKana(c) || (c >= 0x1B164 && c <= 0x1B167);
    }

    private static boolean isHiragana(int c) {
        return (c > 0x3040 && c < 0x3097) || (c >= 0x1B150 && c <= 0x1B152);
    }

    /**
     * {@code Sym2.isRegion}, with its typos kept: the Greek capitals' upper bound is written U+30A1, so everything
     * from U+0391 to U+30A1 counts as a symbol, and the range after Rho is empty.
     */
    private static boolean isSymbol(int c) {
        return (c >= 0x3000 && c <= 0x3020) || (c >= 0x3030 && c <= 0x303F) || (c >= 0x0391 && c <= 0x30A1)
                || (c >= 0x03B1 && c <= 0x03C9) || (c >= 0x0410 && c <= 0x044F) || (c >= 0xFF01 && c <= 0xFF1A)
                || (c >= 0xA1 && c <= 0xFF) || (c >= 0xFF20 && c <= 0xFF5E) || c == 0x0451 || c == 0x0401;
    }
}

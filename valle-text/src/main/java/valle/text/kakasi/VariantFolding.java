package valle.text.kakasi;

import java.util.HashMap;
import java.util.Map;

/**
 * pykakasi's itaiji (variant character) folding ({@code Itaiji.convert}: {@code str.translate} with the table of
 * {@code src/data/itaijidict.utf8}), applied to the text before a kanji lookup. Variation selectors U+FE00, U+FE01
 * and U+E0100–U+E01EE are removed (the table maps them to {@code None}), which is why the lookup's match length is
 * corrected afterwards.
 */
final class VariantFolding {
    private static final String REMOVED = "";
    private final Map<Integer, String> table;

    private VariantFolding(Map<Integer, String> table) {
        this.table = table;
    }

    static VariantFolding load() {
        Map<Integer, String> table = new HashMap<>();
        for (String line : TableFiles.lines("itaijidict.utf8")) {
            String[] vk = TableFiles.decodeEscapes(line).split(" ", -1);
            if (vk.length != 2 || vk[1].codePointCount(0, vk[1].length()) != 1) {
                throw new IllegalStateException("bad itaiji line: " + line);
            }
            table.put(vk[1].codePointAt(0), vk[0]);
        }
        for (int c = 0xFE00; c < 0xFE02; c++) {
            table.put(c, REMOVED);
        }
        for (int c = 0xE0100; c < 0xE01EF; c++) {
            table.put(c, REMOVED);
        }
        return new VariantFolding(Map.copyOf(table));
    }

    /** Whether the table has an entry for the code point (pykakasi then sends it to the kanji converter). */
    boolean hasKey(int c) {
        return table.containsKey(c);
    }

    /** The code points from {@code from} on, each replaced by its table entry. */
    int[] fold(int[] text, int from) {
        StringBuilder out = new StringBuilder(text.length - from);
        for (int i = from; i < text.length; i++) {
            String replacement = table.get(text[i]);
            if (replacement == null) {
                out.appendCodePoint(text[i]);
            } else {
                out.append(replacement);
            }
        }
        return out.codePoints().toArray();
    }
}

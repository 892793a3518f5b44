package valle.text.kakasi;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * pykakasi 2.3.0's kanji reading dictionary ({@code kanwadict4.db}, built by {@code src/kakasidict.py}
 * {@code _makekanwa} from {@code kakasidict.utf8}, {@code unidict_noun.utf8} and {@code unidict_adj.utf8}), with the
 * same okurigana expansion: a reading ending in an ASCII letter stands for one entry per kana of that letter's row
 * ({@code あk 明} gives {@code 明か}, {@code 明き}, ...). The bundled {@code kanwadict.utf8.gz} is the three files
 * concatenated in that order, each line stripped (comment lines, their copyright headers among them, kept); nothing
 * else is changed.
 *
 * <p>Entries are kept per first code point in file order, which is all pykakasi's lookup depends on: the longest
 * key wins, and among the readings of one key the first whose context condition holds.
 */
final class KanwaDictionary {
    /** The kana an okurigana letter expands to ({@code _cletters} of {@code src/kakasidict.py}). */
    private static final Map<Character, String> OKURIGANA = Map.ofEntries(
            Map.entry('a', "あぁっわゎ"), Map.entry('i', "いぃっゐ"), Map.entry('u', "うぅっ"),
            Map.entry('e', "えぇっゑ"), Map.entry('o', "おぉっ"), Map.entry('k', "かゕきくけゖこっ"),
            Map.entry('g', "がぎぐげごっ"), Map.entry('s', "さしすせそっ"), Map.entry('z', "ざじずぜぞっ"),
            Map.entry('j', "ざじずぜぞっ"), Map.entry('t', "たちつてとっ"), Map.entry('d', "だぢづでどっ"),
            Map.entry('c', "ちっ"), Map.entry('n', "なにぬねのん"), Map.entry('h', "はひふへほっ"),
            Map.entry('b', "ばびぶべぼっ"), Map.entry('f', "ふっ"), Map.entry('p', "ぱぴぷぺぽっ"),
            Map.entry('m', "まみむめも"), Map.entry('y', "やゃゆゅよょ"), Map.entry('r', "らりるれろ"),
            Map.entry('l', "らりるれろ"), Map.entry('w', "わゐゑゎをっ"), Map.entry('v', "ゔ"));

    /**
     * One reading.
     *
     * @param key     the whole key in code points, the first included
     * @param context the previous segments' text the reading needs ({@code 色} is {@code しょく} after {@code そん}),
     *                or null for none
     */
    record Entry(int[] key, String reading, List<String> context) {
        boolean appliesAfter(String previous) {
            return context == null || context.contains(previous);
        }
    }

    private final Map<Integer, Entry[]> byFirst;

    private KanwaDictionary(Map<Integer, Entry[]> byFirst) {
        this.byFirst = byFirst;
    }

    static KanwaDictionary load() {
        Map<Integer, List<Entry>> building = new HashMap<>();
        for (String line : TableFiles.lines("kanwadict.utf8.gz")) {
            int space = line.indexOf(' ');
            int end = line.indexOf(' ', space + 1);
            String reading = line.substring(0, space);
            String kanji = end < 0 ? line.substring(space + 1) : line.substring(space + 1, end);
            char tail = reading.charAt(reading.length() - 1);
            List<String> context = end < 0 ? null : List.of(line.substring(end + 1).split(" ", -1));
            if (tail <= 'z') {
                String base = reading.substring(0, reading.length() - 1);
                String kana = OKURIGANA.getOrDefault(tail, "");
                for (int i = 0; i < kana.length(); i++) {
                    add(building, kanji + kana.charAt(i), base + kana.charAt(i), context);
                }
            } else {
                add(building, kanji, reading, context);
            }
        }
        Map<Integer, Entry[]> byFirst = new HashMap<>(building.size() * 2);
        building.forEach((first, entries) -> byFirst.put(first, entries.toArray(Entry[]::new)));
        return new KanwaDictionary(byFirst);
    }

    private static void add(Map<Integer, List<Entry>> building, String kanji, String reading, List<String> context) {
        building.computeIfAbsent(kanji.codePointAt(0), k -> new ArrayList<>())
                .add(new Entry(codePoints(kanji), reading, context));
    }

    private static int[] codePoints(String s) {
        int[] cps = new int[s.codePointCount(0, s.length())];
        for (int i = 0, k = 0; k < cps.length; k++) {
            cps[k] = s.codePointAt(i);
            i += Character.charCount(cps[k]);
        }
        return cps;
    }

    /** The entries whose key starts with {@code first}, in file order, or null when there are none. */
    Entry[] startingWith(int first) {
        return byFirst.get(first);
    }

    /** How many readings the dictionary holds after the okurigana expansion. */
    int size() {
        return byFirst.values().stream().mapToInt(e -> e.length).sum();
    }
}

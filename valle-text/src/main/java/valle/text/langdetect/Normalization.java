package valle.text.langdetect;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * langdetect's character normalisation ({@code NGram.normalize} and {@code NGram.normalize_vi} of
 * {@code langdetect/utils/ngram.py}) with the tables of its {@code messages.properties}, bundled beside this class:
 * punctuation and digits become spaces, each kana script and Hangul fold to one letter, and CJK ideographs fold to
 * the representative of their class ({@code NGram.KANJI_*}, the first character of each list; a character listed
 * twice takes its last list's).
 */
final class Normalization {
    private static final String KANJI_PREFIX = "NGram.KANJI_";

    private final String latin1Excluded;
    private final Map<Integer, Integer> cjk;
    private final Pattern vietnamese;
    private final String vietnameseLetters;
    private final String vietnameseMarks;
    private final String[] vietnameseComposed;

    private Normalization(Properties messages, List<String> kanjiKeys) {
        latin1Excluded = messages.getProperty("NGram.LATIN1_EXCLUDE");
        Map<Integer, Integer> map = new HashMap<>();
        for (String key : kanjiKeys) {
            String chars = messages.getProperty(key);
            int representative = chars.codePointAt(0);
            chars.codePoints().forEach(c -> map.put(c, representative));
        }
        cjk = Map.copyOf(map);
        vietnameseLetters = messages.getProperty("TO_NORMALIZE_VI_CHARS");
        vietnameseMarks = messages.getProperty("DMARK_CLASS");
        vietnameseComposed = new String[] {messages.getProperty("NORMALIZED_VI_CHARS_0300"),
                messages.getProperty("NORMALIZED_VI_CHARS_0301"), messages.getProperty("NORMALIZED_VI_CHARS_0303"),
                messages.getProperty("NORMALIZED_VI_CHARS_0309"), messages.getProperty("NORMALIZED_VI_CHARS_0323")};
        vietnamese = Pattern.compile("([" + escaped(vietnameseLetters) + "])([" + escaped(vietnameseMarks) + "])");
    }

    static Normalization load() {
        Properties messages = new Properties();
        List<String> kanjiKeys = new ArrayList<>();
        try (InputStream in = Normalization.class.getResourceAsStream("messages.properties")) {
            if (in == null) {
                throw new IllegalStateException("the valle-text jar lacks langdetect's messages.properties: rebuild it");
            }
            byte[] bytes = in.readAllBytes();
            messages.load(new java.io.ByteArrayInputStream(bytes));
            // the classes in file order, which is the order of ngram.py's CJK_CLASS
            for (String line : new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).split("\n")) {
                if (line.startsWith(KANJI_PREFIX)) {
                    kanjiKeys.add(line.substring(0, line.indexOf('=')));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read langdetect's messages.properties", e);
        }
        return new Normalization(messages, kanjiKeys);
    }

    /** {@code NGram.normalize} of one code point. */
    int normalize(int c) {
        if (c <= 0x7F) {
            return c < 'A' || (c > 'Z' && c < 'a') || c > 'z' ? ' ' : c;
        } else if (c <= 0xFF) {
            return latin1Excluded.indexOf(c) >= 0 ? ' ' : c;
        } else if (c >= 0x0180 && c <= 0x024F) {
            // Romanian: comma below becomes cedilla
            return c == 0x0219 ? 0x015F : c == 0x021B ? 0x0163 : c;
        } else if (c >= 0x2000 && c <= 0x206F) {
            return ' ';
        } else if (c >= 0x0600 && c <= 0x06FF) {
            return c == 0x06CC ? 0x064A : c; // Farsi yeh to Arabic yeh
        } else if (c >= 0x1E00 && c <= 0x1EFF) {
            return c >= 0x1EA0 ? 0x1EC3 : c;
        } else if (c >= 0x3040 && c <= 0x309F) {
            return 0x3042;
        } else if (c >= 0x30A0 && c <= 0x30FF) {
            return 0x30A2;
        } else if ((c >= 0x3100 && c <= 0x312F) || (c >= 0x31A0 && c <= 0x31BF)) {
            return 0x3105;
        } else if (c >= 0x4E00 && c <= 0x9FFF) {
            return cjk.getOrDefault(c, c);
        } else if (c >= 0xAC00 && c <= 0xD7AF) {
            return 0xAC00;
        }
        return c;
    }

    /** {@code NGram.normalize_vi}: a Latin vowel followed by a combining tone mark becomes the composed letter. */
    String normalizeVietnamese(String text) {
        Matcher m = vietnamese.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (m.find()) {
            int letter = vietnameseLetters.indexOf(m.group(1));
            int mark = vietnameseMarks.indexOf(m.group(2));
            m.appendReplacement(out, Matcher.quoteReplacement(
                    Character.toString(vietnameseComposed[mark].codePointAt(letter))));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Whether {@code c} is in langdetect's "Latin Extended Additional" block (U+1E00–U+1EFF). */
    static boolean isLatinExtendedAdditional(int c) {
        return c >= 0x1E00 && c <= 0x1EFF;
    }

    private static String escaped(String chars) {
        StringBuilder out = new StringBuilder();
        chars.codePoints().forEach(c -> out.append("\\x{").append(Integer.toHexString(c)).append('}'));
        return out.toString();
    }
}

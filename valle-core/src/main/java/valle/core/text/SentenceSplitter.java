package valle.core.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reference's sentence split ({@code sentence_split} of {@code vall_e/data.py}, docs/spec/codec.md §6.1): every
 * {@code "} is replaced by {@code <QUOTE>}, NLTK's Punkt splits, the quotes are put back and empty sentences
 * dropped. Thread-safe and stateless.
 *
 * <p>The algorithm is Punkt's as NLTK runs it ({@code PunktSentenceTokenizer.tokenize}: candidate ends
 * {@code . ? !} followed by punctuation or by whitespace and a token, the word split of the context, the
 * type-based first pass, the orthographic second pass, and the realignment of closing quotes and brackets).
 * What differs is the trained English model, which is NLTK data rather than code; valle uses its own small
 * one, so these decisions can differ from the reference's:
 * <ul>
 *   <li>Abbreviations: a fixed list ({@code mr}, {@code dr}, {@code st}, {@code e.g}, {@code a.m}, months,
 *       ...) instead of the model's ~1,000 learned types; an abbreviation missing here ends a sentence.</li>
 *   <li>Orthographic context: a word is known to start sentences only if it is in a list of common function
 *       words ({@code The}, {@code He}, {@code But}, ...). After an abbreviation or an ellipsis, a capitalised
 *       word from that list starts a new sentence and any other word does not (Punkt also splits before the
 *       capitalised common words its model saw lowercase, and its model saw far more).</li>
 *   <li>No collocations and no frequent-sentence-starter list.</li>
 * </ul>
 * Kept from Punkt as they are, since they follow from the algorithm and the quote placeholder: decimals
 * ({@code 3.50}) and addresses ({@code example.com}) never split, because no whitespace follows the period;
 * a number with a period ({@code 5.}) ends a sentence unless a lowercase word follows; a sentence ending in
 * {@code ."} or {@code !"} is never split from the next, because the placeholder sits where Punkt would look
 * for whitespace; and {@code what?!} splits into {@code what?} and {@code !}.
 */
public final class SentenceSplitter {
    static final String QUOTE_PLACEHOLDER = "<QUOTE>";

    /** Python's {@code \s} on {@code str}, as a character-class body. */
    private static final String WS = "\\t\\n\\x0B\\f\\r\\x1C-\\x1F \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";
    private static final String NON_WORD = "(?:[)\";}\\]*:@'({\\[?!])";
    private static final String MULTI_CHAR = "(?:-{2,}|\\.{2,}|(?:\\.[" + WS + "]){2,}\\.)";
    private static final Pattern PERIOD_CONTEXT = Pattern.compile(
            "[.?!](?=(" + NON_WORD + "|[" + WS + "]+([^" + WS + "]+)))");
    private static final Pattern WORD = Pattern.compile(MULTI_CHAR
            + "|(?=[^(\"`{\\[:;&#*@)}\\]\\-,])[^" + WS + "]+?(?=[" + WS + "]|\\z|" + NON_WORD + "|" + MULTI_CHAR
            + "|,(?=\\z|[" + WS + "]|" + NON_WORD + "|" + MULTI_CHAR + "))"
            + "|[^" + WS + "]");
    private static final Pattern NUMERIC = Pattern.compile("-?[.,]?\\p{Nd}[\\p{Nd},.\\-]*\\.?");
    private static final Pattern INITIAL = Pattern.compile("[\\p{L}_]\\.");
    private static final Pattern ELLIPSIS = Pattern.compile("\\.\\.+");
    // (?d): only \n ends a line, as in Python's MULTILINE
    private static final Pattern BOUNDARY_REALIGNMENT = Pattern.compile("(?md)[\"')\\]}]+?(?:[" + WS + "]+|(?=--)|$)");
    private static final String PYTHON_ASCII_WHITESPACE = " \t\n\r\u000B\f";
    private static final Set<String> PUNCTUATION = Set.of(";", ":", ",", ".", "!", "?");

    /** Abbreviation types, lowercase without their final period (Punkt's {@code abbrev_types}). */
    static final Set<String> ABBREVIATIONS = Set.of(
            "mr", "mrs", "ms", "messrs", "dr", "drs", "prof", "rev", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm",
            "gov", "sen", "rep", "pres", "st", "jr", "sr", "mme", "mlle", "hon",
            "inc", "corp", "co", "ltd", "bros", "dept", "univ", "assn", "ave", "blvd", "rd", "mt", "ft",
            "jan", "feb", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
            "tue", "tues", "thu", "thur", "thurs",
            "etc", "vs", "cf", "viz", "al", "approx", "vol", "pp", "ch", "fig", "figs", "eq", "eds",
            "e.g", "i.e", "a.m", "p.m", "u.s", "u.k", "u.n", "u.s.a", "ph.d", "b.a", "m.a", "d.c", "n.y", "l.a");

    /** Words whose capitalised form Punkt's orthographic heuristic takes for a sentence start. */
    static final Set<String> SENTENCE_STARTING_WORDS = Set.of(
            "the", "a", "an", "this", "that", "these", "those", "it", "its", "he", "she", "we", "they", "you",
            "his", "her", "their", "our", "my", "your", "there", "then", "but", "and", "or", "so", "yet", "if",
            "when", "while", "after", "before", "in", "on", "at", "of", "for", "with", "by", "from", "to", "as",
            "not", "no", "yes", "what", "who", "why", "how", "where", "which", "all", "some", "many", "most", "one",
            "each", "every", "both", "however", "also", "now", "here", "today", "later", "finally", "first");

    private SentenceSplitter() {
    }

    /**
     * The sentences of {@code text}, each as it stands in the text (inner whitespace kept), none empty.
     *
     * @throws IllegalArgumentException when the text is longer than {@link TextLimits#maxChars()}
     */
    public static List<String> split(String text) {
        TextLimits.requireWithinLength(text);
        String s = text.replace("\"", QUOTE_PLACEHOLDER);
        List<String> out = new ArrayList<>();
        for (int[] span : realign(s, slices(s))) {
            String sentence = s.substring(span[0], span[1]);
            if (!sentence.isEmpty()) {
                out.add(sentence.replace(QUOTE_PLACEHOLDER, "\""));
            }
        }
        return out;
    }

    /** {@code _slices_from_text}: a slice ends after each candidate whose context holds a sentence break. */
    private static List<int[]> slices(String text) {
        List<int[]> slices = new ArrayList<>();
        int lastBreak = 0;
        for (Candidate c : candidates(text)) {
            if (containsSentenceBreak(c.context())) {
                slices.add(new int[] {lastBreak, c.end()});
                lastBreak = c.nextTokenStart() >= 0 ? c.nextTokenStart() : c.end();
            }
        }
        slices.add(new int[] {lastBreak, rstrip(text).length()});
        return slices;
    }

    /** A candidate end: the end of its {@code . ? !}, where the next token starts (or -1), its context. */
    private record Candidate(int end, int nextTokenStart, String context) {
    }

    /**
     * {@code _match_potential_end_contexts}: each candidate with the word before it; of candidates whose
     * words overlap (as in {@code acting!!!}) only the last is kept.
     */
    private static List<Candidate> candidates(String text) {
        List<Candidate> out = new ArrayList<>();
        Matcher m = PERIOD_CONTEXT.matcher(text);
        int[] previousSlice = {0, 0};
        MatchData previous = null;
        while (m.find()) {
            String before = text.substring(previousSlice[1], m.start());
            int lastSpace = lastWhitespaceIndex(before);
            // Punkt's helper answers 0 both for "none" and for "at index 0", and the caller cannot tell them apart
            int wordStart = lastSpace != 0 ? lastSpace + previousSlice[1] + 1 : previousSlice[0];
            int[] wordSlice = {wordStart, m.start()};
            if (previous != null && previousSlice[1] <= wordSlice[0]) {
                out.add(previous.candidate(text, previousSlice));
            }
            previous = new MatchData(m.start(), m.end(), m.group(1), m.start(2));
            previousSlice = wordSlice;
        }
        if (previous != null) {
            out.add(previous.candidate(text, previousSlice));
        }
        return out;
    }

    private record MatchData(int start, int end, String afterToken, int nextTokenStart) {
        Candidate candidate(String text, int[] wordSlice) {
            String context = text.substring(wordSlice[0], wordSlice[1]) + text.substring(start, end) + afterToken;
            return new Candidate(end, nextTokenStart, context);
        }
    }

    /** {@code text_contains_sentbreak}: a token other than the last is annotated as a sentence break. */
    private static boolean containsSentenceBreak(String context) {
        List<Token> tokens = words(context);
        for (Token t : tokens) {
            firstPass(t);
        }
        for (int i = 0; i < tokens.size(); i++) {
            secondPass(tokens.get(i), i + 1 < tokens.size() ? tokens.get(i + 1) : null);
        }
        for (int i = 0; i + 1 < tokens.size(); i++) {
            if (tokens.get(i).sentenceBreak) {
                return true;
            }
        }
        return false;
    }

    /** Punkt's word split, line by line; blank lines give no tokens. */
    private static List<Token> words(String text) {
        List<Token> tokens = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (strip(line).isEmpty()) {
                continue;
            }
            Matcher m = WORD.matcher(line);
            while (m.find()) {
                tokens.add(new Token(m.group()));
            }
        }
        return tokens;
    }

    private static final class Token {
        final String text;
        final String type;
        final boolean periodFinal;
        boolean sentenceBreak;
        boolean abbreviation;
        boolean ellipsis;

        Token(String text) {
            this.text = text;
            String lower = text.toLowerCase(java.util.Locale.ROOT);
            this.type = NUMERIC.matcher(lower).matches() ? "##number##" : lower;
            this.periodFinal = text.endsWith(".");
        }

        String typeNoPeriod() {
            return type.length() > 1 && type.endsWith(".") ? type.substring(0, type.length() - 1) : type;
        }

        String typeNoSentencePeriod() {
            return sentenceBreak ? typeNoPeriod() : type;
        }

        boolean firstUpper() {
            return Character.isUpperCase(text.codePointAt(0));
        }

        boolean firstLower() {
            return Character.isLowerCase(text.codePointAt(0));
        }

        boolean isInitial() {
            return INITIAL.matcher(text).matches();
        }
    }

    private static void firstPass(Token t) {
        String tok = t.text;
        if (tok.equals(".") || tok.equals("?") || tok.equals("!")) {
            t.sentenceBreak = true;
        } else if (ELLIPSIS.matcher(tok).matches()) {
            t.ellipsis = true;
        } else if (t.periodFinal && !tok.endsWith("..")) {
            String bare = tok.substring(0, tok.length() - 1).toLowerCase(java.util.Locale.ROOT);
            String lastPart = bare.substring(bare.lastIndexOf('-') + 1);
            if (ABBREVIATIONS.contains(bare) || ABBREVIATIONS.contains(lastPart)) {
                t.abbreviation = true;
            } else {
                t.sentenceBreak = true;
            }
        }
    }

    private enum Starter { YES, NO, UNKNOWN }

    private static void secondPass(Token t, Token next) {
        if (next == null || !t.periodFinal) {
            return;
        }
        boolean initial = t.isInitial();
        if ((t.abbreviation || t.ellipsis) && !initial && orthographic(next) == Starter.YES) {
            t.sentenceBreak = true;
            return;
        }
        if (initial || t.typeNoPeriod().equals("##number##")) {
            Starter starter = orthographic(next);
            if (starter == Starter.NO) {
                t.sentenceBreak = false;
                t.abbreviation = true;
                return;
            }
            if (starter == Starter.UNKNOWN && initial && next.firstUpper() && !knownLowercase(next)) {
                t.sentenceBreak = false;
                t.abbreviation = true;
            }
        }
    }

    /**
     * Punkt's {@code _ortho_heuristic}, with the orthographic context of the model replaced by the list of
     * common words: those were seen lowercase mid-sentence and capitalised only at sentence starts; any other
     * word was never seen.
     */
    private static Starter orthographic(Token t) {
        if (PUNCTUATION.contains(t.text)) {
            return Starter.NO;
        }
        boolean known = knownLowercase(t);
        if (t.firstUpper() && known) {
            return Starter.YES;
        }
        // an unseen lowercase word, or a known one (capitalised at sentence starts), is no sentence start
        if (t.firstLower()) {
            return Starter.NO;
        }
        return Starter.UNKNOWN;
    }

    private static boolean knownLowercase(Token t) {
        return SENTENCE_STARTING_WORDS.contains(t.typeNoSentencePeriod());
    }

    /** {@code _realign_boundaries}: closing quotes and brackets after a break join the sentence before. */
    private static List<int[]> realign(String text, List<int[]> slices) {
        List<int[]> out = new ArrayList<>();
        int realign = 0;
        for (int i = 0; i < slices.size(); i++) {
            int[] s1 = {slices.get(i)[0] + realign, slices.get(i)[1]};
            if (i + 1 == slices.size()) {
                if (s1[0] < s1[1]) {
                    out.add(s1);
                }
                continue;
            }
            int[] s2 = slices.get(i + 1);
            Matcher m = BOUNDARY_REALIGNMENT.matcher(text.substring(s2[0], Math.max(s2[0], s2[1])));
            if (m.lookingAt()) {
                out.add(new int[] {s1[0], s2[0] + rstrip(m.group()).length()});
                realign = m.end();
            } else {
                realign = 0;
                if (s1[0] < s1[1]) {
                    out.add(s1);
                }
            }
        }
        return out;
    }

    private static int lastWhitespaceIndex(String s) {
        for (int i = s.length() - 1; i >= 0; i--) {
            if (PYTHON_ASCII_WHITESPACE.indexOf(s.charAt(i)) >= 0) {
                return i;
            }
        }
        return 0;
    }

    private static boolean isPythonSpace(char c) {
        return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
                || c == 0x3000;
    }

    private static String rstrip(String s) {
        int end = s.length();
        while (end > 0 && isPythonSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end);
    }

    private static String strip(String s) {
        int start = 0;
        String r = rstrip(s);
        while (start < r.length() && isPythonSpace(r.charAt(start))) {
            start++;
        }
        return r.substring(start);
    }
}

package valle.core.text;

/**
 * What text valle takes, checked before any of it is phonemized: not longer than a configurable limit (so an
 * SDK embedded in a server cannot be made to hold an unbounded request), no control characters (they are
 * binary data, not words, and espeak-ng would read some of them as commands), and something to speak.
 */
public final class TextLimits {
    /** The default limit: about two hours of speech, far beyond a request's worth but bounded. */
    public static final int DEFAULT_MAX_CHARS = 100_000;
    /** The system property, then the environment variable, that set the limit. */
    public static final String PROPERTY = "valle.text.maxChars";
    public static final String ENVIRONMENT = "VALLE_TEXT_MAX_CHARS";

    private TextLimits() {
    }

    /** The limit in characters: {@value #PROPERTY}, else {@value #ENVIRONMENT}, else {@value #DEFAULT_MAX_CHARS}. */
    public static int maxChars() {
        String v = System.getProperty(PROPERTY);
        String from = "-D" + PROPERTY;
        if (v == null || v.isBlank()) {
            v = System.getenv(ENVIRONMENT);
            from = ENVIRONMENT;
        }
        if (v == null || v.isBlank()) {
            return DEFAULT_MAX_CHARS;
        }
        try {
            int n = Integer.parseInt(v.strip());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(from + "=" + v + " is not a positive number of characters");
    }

    /**
     * Refuses text longer than {@link #maxChars()}.
     *
     * @throws IllegalArgumentException naming the length, the limit and how to raise it
     */
    public static void requireWithinLength(String text) {
        int max = maxChars();
        if (text.length() > max) {
            throw new IllegalArgumentException("the text has " + text.length() + " characters, over the limit of " + max
                    + "; split it into several requests, or raise the limit with -D" + PROPERTY + " or " + ENVIRONMENT);
        }
    }

    /**
     * Refuses text that is too long, holds a control character other than tab and line breaks, or has nothing to
     * speak (no letter or digit: only punctuation, symbols or spaces).
     *
     * @throws IllegalArgumentException naming the problem and the fix
     */
    public static void requireSpeakable(String text) {
        requireWithinLength(text);
        boolean speakable = false;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (Character.getType(c) == Character.CONTROL && c != '\t' && c != '\n' && c != '\r') {
                throw new IllegalArgumentException(String.format("the text holds the control character U+%04X at"
                        + " position %d; remove it (only tabs and line breaks are allowed)", c, i));
            }
            speakable |= Character.isLetterOrDigit(c);
            i += Character.charCount(c);
        }
        if (!speakable) {
            throw new IllegalArgumentException("the text '" + shorten(text) + "' has nothing to speak (no letter or"
                    + " digit, only punctuation, symbols or spaces): give the words to speak");
        }
    }

    private static String shorten(String s) {
        String t = s.strip();
        return t.length() <= 40 ? t : t.substring(0, 40) + "...";
    }
}

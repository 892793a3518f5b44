package valle.text.espeak;

/**
 * Whitespace as Python 3 sees it ({@code str.isspace()}, {@code \s} of {@code re} on {@code str}), which
 * phonemizer's regular expressions and {@code strip()} calls use. Java's {@code \s} is ASCII only and
 * {@link String#strip()} uses {@link Character#isWhitespace}, which leaves out no-break spaces; both would
 * split and trim some inputs differently from the reference.
 */
final class PythonWhitespace {
    /** The members, as the body of a regular-expression character class. */
    static final String CLASS_BODY =
            "\\t\\n\\x0B\\f\\r\\x1C-\\x1F \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000";

    private PythonWhitespace() {
    }

    static boolean is(int c) {
        return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
                || c == 0x3000;
    }

    /** Python's {@code s.strip()}. */
    static String strip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && is(s.charAt(start))) {
            start++;
        }
        while (end > start && is(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }
}

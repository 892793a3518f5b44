package valle.text.espeak;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * phonemizer 3.3.0's {@code Punctuation} with {@code preserve_punctuation=True}, word separator {@code " "}
 * and {@code strip=True} (docs/spec/codec.md §6.2): the text is cut at every run of marks (with the whitespace
 * around it), the pieces between are phonemized one by one, and the runs are put back verbatim.
 * {@code "Hello, world."} becomes the chunks {@code Hello}, {@code world} and the marks {@code ", "} (inside)
 * and {@code "."} (end). The odd corners are kept on purpose, since the reference has them: a run is cut at
 * the first occurrence of its text, empty chunks are dropped, and a text that is nothing but marks is
 * returned as it is.
 */
final class Punctuation {
    /** phonemizer's default marks. */
    static final String MARKS = ";:,.!?¡¿—…\"«»“”(){}[]";

    private static final Pattern RUN = Pattern.compile("(?:[" + PythonWhitespace.CLASS_BODY + "]*["
            + escaped(MARKS) + "]+[" + PythonWhitespace.CLASS_BODY + "]*)+");

    private Punctuation() {
    }

    /** Where a run of marks stood: at the start, at the end, inside, or alone (the whole text). */
    enum Position { BEGIN, END, INSIDE, ALONE }

    record Mark(String text, Position position) {
    }

    /** The chunks to phonemize (never empty strings) and the runs of marks between them. */
    record Split(List<String> chunks, List<Mark> marks) {
    }

    /** {@code Punctuation.preserve([line])}. */
    static Split preserve(String line) {
        List<String> runs = new ArrayList<>();
        Matcher m = RUN.matcher(line);
        while (m.find()) {
            runs.add(m.group());
        }
        if (runs.isEmpty()) {
            return new Split(line.isEmpty() ? List.of() : List.of(line), List.of());
        }
        if (runs.size() == 1 && runs.getFirst().equals(line)) {
            return new Split(List.of(), List.of(new Mark(line, Position.ALONE)));
        }
        List<Mark> marks = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            String run = runs.get(i);
            Position p = Position.INSIDE;
            if (i == 0 && line.startsWith(run)) {
                p = Position.BEGIN;
            } else if (i == runs.size() - 1 && line.endsWith(run)) {
                p = Position.END;
            }
            marks.add(new Mark(run, p));
        }
        List<String> chunks = new ArrayList<>();
        String rest = line;
        for (Mark mark : marks) {
            // Python's line.split(mark) keeps what precedes the first occurrence and rejoins the rest
            int at = rest.indexOf(mark.text());
            chunks.add(rest.substring(0, at));
            rest = rest.substring(at + mark.text().length());
        }
        chunks.add(rest);
        chunks.removeIf(String::isEmpty);
        return new Split(List.copyOf(chunks), List.copyOf(marks));
    }

    /**
     * {@code Punctuation.restore(phonemized, marks, separator, strip=True)} for one input line: the lines it
     * returns, of which the reference keeps the first.
     */
    static List<String> restore(List<String> phonemized, List<Mark> marks) {
        List<String> text = new ArrayList<>(phonemized);
        List<Mark> left = new ArrayList<>(marks);
        List<String> out = new ArrayList<>();
        // every mark of a one-line input has line index 0, so only the first END or ALONE matches 'pos'
        int pos = 0;
        while (!text.isEmpty() || !left.isEmpty()) {
            if (left.isEmpty()) {
                out.addAll(text);
                text.clear();
            } else if (text.isEmpty()) {
                StringBuilder all = new StringBuilder();
                left.forEach(mk -> all.append(mk.text()));
                out.add(all.toString());
                left.clear();
            } else if (pos == 0) {
                Mark mark = left.removeFirst();
                if (text.getFirst().endsWith(" ")) {
                    text.set(0, text.getFirst().substring(0, text.getFirst().length() - 1));
                }
                switch (mark.position()) {
                    case BEGIN -> text.set(0, mark.text() + text.getFirst());
                    case END -> {
                        out.add(text.removeFirst() + mark.text());
                        pos++;
                    }
                    case ALONE -> {
                        out.add(mark.text());
                        pos++;
                    }
                    case INSIDE -> {
                        if (text.size() == 1) {
                            text.set(0, text.getFirst() + mark.text());
                        } else {
                            String first = text.removeFirst();
                            text.set(0, first + mark.text() + text.getFirst());
                        }
                    }
                }
            } else {
                out.add(text.removeFirst());
                pos++;
            }
        }
        return out;
    }

    private static String escaped(String chars) {
        StringBuilder sb = new StringBuilder();
        chars.codePoints().forEach(c -> {
            if (c < 0x80 && !Character.isLetterOrDigit(c)) {
                sb.append('\\');
            }
            sb.appendCodePoint(c);
        });
        return sb.toString();
    }
}

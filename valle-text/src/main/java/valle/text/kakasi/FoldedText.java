package valle.text.kakasi;

import java.util.Arrays;

/**
 * A text's code points after {@link VariantFolding}, seen from any position as pykakasi sees {@code text[i:]}
 * translated, but folded only as far as it is read: the length of each suffix's folding is known up front (a
 * suffix sum), and a view folds characters on demand. The last folded code point, which Python's {@code text[-1]}
 * reaches, is the same for every non-empty suffix and is kept too.
 */
final class FoldedText {
    private final int[] source;
    private final VariantFolding folding;
    /** {@code suffixLength[i]}: how many code points {@code source[i:]} folds to. */
    private final int[] suffixLength;
    private final int last;

    FoldedText(int[] source, VariantFolding folding) {
        this.source = source;
        this.folding = folding;
        suffixLength = new int[source.length + 1];
        int lastFolded = -1;
        for (int i = source.length - 1; i >= 0; i--) {
            String f = folding.fold(source[i]);
            int n = f == null ? 1 : f.codePointCount(0, f.length());
            suffixLength[i] = suffixLength[i + 1] + n;
            if (lastFolded < 0 && n > 0) {
                lastFolded = f == null ? source[i] : f.codePointBefore(f.length());
            }
        }
        last = lastFolded;
    }

    int[] source() {
        return source;
    }

    /** How many code points {@code source[from:]} folds to. */
    int lengthFrom(int from) {
        return suffixLength[from];
    }

    View from(int from) {
        return new View(from);
    }

    /** The folding of {@code source[from:]}, made as far as it is read. */
    final class View {
        private int next;
        private int[] folded = new int[16];
        private int size;

        private View(int from) {
            next = from;
        }

        /** The folded code point at {@code index}, which the caller keeps below {@link #lengthFrom}; -1 is the last. */
        int at(int index) {
            if (index < 0) {
                return last;
            }
            while (size <= index) {
                String f = folding.fold(source[next]);
                if (f == null) {
                    append(source[next]);
                } else {
                    f.codePoints().forEach(this::append);
                }
                next++;
            }
            return folded[index];
        }

        boolean startsWith(int[] key) {
            for (int k = 0; k < key.length; k++) {
                if (at(k) != key[k]) {
                    return false;
                }
            }
            return true;
        }

        private void append(int c) {
            if (size == folded.length) {
                folded = Arrays.copyOf(folded, size * 2);
            }
            folded[size++] = c;
        }
    }
}

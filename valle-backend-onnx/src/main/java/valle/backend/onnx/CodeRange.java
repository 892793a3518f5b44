package valle.backend.onnx;

import valle.api.codec.Codes;

/** The check both codecs make before a lookup: ONNX's Gather would fail on a bad code with a less clear message. */
final class CodeRange {
    private CodeRange() {
    }

    /** @throws IllegalArgumentException naming the first code outside {@code 0 .. bins - 1} */
    static void check(Codes codes, int bins) {
        for (int c : codes.data()) {
            if (c < 0 || c >= bins) {
                throw new IllegalArgumentException("code " + c + " is outside 0.." + (bins - 1));
            }
        }
    }
}

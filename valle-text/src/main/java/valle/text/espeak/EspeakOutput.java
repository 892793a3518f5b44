package valle.text.espeak;

/**
 * phonemizer 3.3.0's {@code EspeakBackend._postprocess_line} for the reference's options (stress kept, no
 * tie, phone separator {@code ""}, word separator {@code " "}, {@code strip=True}, language switches kept):
 * what espeak returned for one chunk, as phonemizer hands it to the punctuation restore.
 */
final class EspeakOutput {
    private EspeakOutput() {
    }

    static String clean(String raw) {
        // one pass of each replacement, as Python's str.replace and re.sub do: "   " becomes "  ", not " "
        String line = PythonWhitespace.strip(raw).replace("\n", " ").replace("  ", " ");
        line = line.replaceAll("_+", "_").replace("_ ", " ");
        if (line.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (String word : line.split(" ", -1)) {
            // '_' separates the phones of a word; the reference's phone separator is empty
            out.append(PythonWhitespace.strip(word).replace("_", "")).append(' ');
        }
        out.setLength(out.length() - 1);
        return out.toString();
    }
}

package valle.text.kakasi;

/**
 * One item of pykakasi's {@code convert} result, reduced to what the reference uses.
 *
 * @param orig     the characters of the input it covers
 * @param hiragana its {@code hira} field: the reading in hiragana, empty for a dropped character
 */
public record Segment(String orig, String hiragana) {
}

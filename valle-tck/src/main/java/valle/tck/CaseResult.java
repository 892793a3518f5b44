package valle.tck;

/**
 * The outcome of one golden case.
 *
 * @param path   the case folder (or tokenizer file) relative to the golden folder, with {@code /}
 * @param passed whether every compared value was within tolerance
 * @param detail for a failure, what differed and by how much; for a pass, what was compared
 */
public record CaseResult(String path, boolean passed, String detail) {

    /** {@code PASS <path>} or {@code FAIL <path> <detail>}, the conformance report line. */
    public String line() {
        return passed ? "PASS " + path : "FAIL " + path + " " + detail;
    }
}

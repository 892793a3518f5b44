package valle.tck;

/**
 * The outcome of one golden case.
 *
 * @param path    the case folder (or tokenizer file) relative to the golden folder, with {@code /}
 * @param passed  whether every compared value was within tolerance
 * @param detail  for a failure, what differed and by how much; for a pass, what was compared; for a skip, why
 * @param skipped whether the case did not run because the chosen backend has no provider for it (a model
 *                variant of an arch that {@code --backend} has no implementation of); never for a case
 *                of an unknown kind, which fails
 */
public record CaseResult(String path, boolean passed, String detail, boolean skipped) {

    /** A case that ran. */
    public CaseResult(String path, boolean passed, String detail) {
        this(path, passed, detail, false);
    }

    /** A case that did not run, and why. */
    public static CaseResult skipped(String path, String why) {
        return new CaseResult(path, false, why, true);
    }

    /** Ran and did not pass. */
    public boolean failed() {
        return !passed && !skipped;
    }

    /** {@code PASS <path>}, {@code FAIL <path> <detail>} or {@code SKIP <path> <why>}, the conformance report line. */
    public String line() {
        return passed ? "PASS " + path : (skipped ? "SKIP " : "FAIL ") + path + " " + detail;
    }
}

package valle.tck;

import java.util.List;

/**
 * The outcome of one golden case.
 *
 * @param path    the case folder (or tokenizer file) relative to the golden folder, with {@code /}
 * @param passed  whether every compared value was within tolerance
 * @param detail  for a failure, what differed and by how much; for a pass, what was compared; for a skip, why
 * @param skipped whether the case was not run because the reference itself cannot compute it, or because the
 *                chosen backend has no provider of its arch (never a pass; never for a case of an unknown
 *                kind, which fails)
 * @param fidelity how close the case's logits came to the golden's, or {@code null} where it compared none
 */
public record CaseResult(String path, boolean passed, String detail, boolean skipped, LogitFidelity fidelity) {

    public CaseResult(String path, boolean passed, String detail) {
        this(path, passed, detail, false, null);
    }

    public CaseResult(String path, boolean passed, String detail, boolean skipped) {
        this(path, passed, detail, skipped, null);
    }

    /** A case not run, for {@code reason}. */
    public static CaseResult skip(String path, String reason) {
        return new CaseResult(path, false, reason, true);
    }

    /** Neither passed nor skipped. */
    public boolean failed() {
        return !passed && !skipped;
    }

    /** {@code PASS <path>}, {@code FAIL <path> <detail>} or {@code SKIP <path> <reason>}: the report line. */
    public String line() {
        if (skipped) {
            return "SKIP " + path + " " + detail;
        }
        return passed ? "PASS " + path : "FAIL " + path + " " + detail;
    }

    /** The closing line of a report: {@code N passed, N failed, N skipped}. */
    public static String summary(List<CaseResult> results) {
        long passed = results.stream().filter(CaseResult::passed).count();
        long skipped = results.stream().filter(CaseResult::skipped).count();
        return passed + " passed, " + (results.size() - passed - skipped) + " failed, " + skipped + " skipped";
    }
}

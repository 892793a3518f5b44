package valle.tck;

import java.util.Collection;

/**
 * How close a case's logits came to the golden's, whatever the tolerance: the worst absolute difference over
 * every logits array the case compared, and how many rows picked the same greedy class (argmax) as the golden.
 * What {@code valle conformance --report} tabulates to show what a weight format (int8, bf16, ...) costs.
 *
 * @param worstDiff  the largest {@code |golden - actual|} over the case's logits (0 where all were equal; NaN
 *                   against a number counts as infinite)
 * @param picksEqual rows whose argmax matched the golden's
 * @param picks      rows compared
 */
public record LogitFidelity(double worstDiff, long picksEqual, long picks) {

    /** The share of rows whose greedy pick matched, 1 where no row was compared. */
    public double pickShare() {
        return picks == 0 ? 1 : (double) picksEqual / picks;
    }

    /** Both of {@code a} and {@code b}: the worse difference, the picks summed. */
    public LogitFidelity and(LogitFidelity other) {
        return new LogitFidelity(Math.max(worstDiff, other.worstDiff), picksEqual + other.picksEqual, picks + other.picks);
    }

    /** Every case's fidelity together; {@code null} where none compared logits. */
    public static LogitFidelity overall(Collection<CaseResult> results) {
        return results.stream().map(CaseResult::fidelity).filter(f -> f != null).reduce(LogitFidelity::and).orElse(null);
    }
}

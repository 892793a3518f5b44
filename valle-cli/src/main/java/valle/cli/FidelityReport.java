package valle.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import valle.tck.CaseResult;
import valle.tck.LogitFidelity;

/**
 * The table of {@code valle conformance --report}: per case that compared logits, the worst difference to the
 * golden and the share of greedy picks equal to the golden's, then every case together.
 */
final class FidelityReport {
    private FidelityReport() {
    }

    static void print(PrintWriter out, String format, List<CaseResult> results) {
        List<CaseResult> measured = results.stream().filter(r -> r.fidelity() != null).toList();
        out.printf(Locale.ROOT, "fidelity of weights '%s' against the goldens (%d cases with logits)%n", format,
                measured.size());
        int width = Math.max(4, measured.stream().mapToInt(r -> r.path().length()).max().orElse(0));
        String row = "%-" + width + "s %14s %16s %8s%n";
        out.printf(Locale.ROOT, row, "CASE", "MAX |DLOGIT|", "GREEDY EQUAL", "SHARE");
        for (CaseResult r : measured) {
            line(out, row, r.path(), r.fidelity());
        }
        LogitFidelity all = LogitFidelity.overall(results);
        if (all != null) {
            line(out, row, "all", all);
        }
        out.flush();
    }

    private static void line(PrintWriter out, String row, String name, LogitFidelity f) {
        out.printf(Locale.ROOT, row, name, String.format(Locale.ROOT, "%.3g", f.worstDiff()),
                f.picksEqual() + "/" + f.picks(), String.format(Locale.ROOT, "%.1f %%", 100 * f.pickShare()));
    }
}

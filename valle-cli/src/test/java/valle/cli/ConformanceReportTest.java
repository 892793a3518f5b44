package valle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code valle conformance --weight-dtype F --report}: a table of each case's worst logit difference and greedy
 * agreement with the golden, found by the folder's layout (the variant is copied under a name of no meaning).
 */
class ConformanceReportTest {
    private static final Path VARIANT = Path.of("..", "valle-tck", "golden", "ar_nar");

    @TempDir
    Path tmp;

    @Test
    void f32WeightsMatchTheGoldenWithinTheTolerance() throws IOException {
        Path golden = copyVariant();
        CliResult r = CliResult.run("conformance", "--golden", golden.toString(), "--backend", "java",
                "--weight-dtype", "f32", "--report");
        assertEquals(0, r.code(), r.out() + r.err());
        String[] all = row(r.out(), "all");
        assertTrue(Double.parseDouble(all[1]) <= 2e-4, r.out());
        assertEquals("100.0", all[3], r.out());
    }

    @Test
    void bf16WeightsReportHowFarTheLogitsMoved() throws IOException {
        Path golden = copyVariant();
        CliResult r = CliResult.run("conformance", "--golden", golden.toString(), "--backend", "java",
                "--weight-dtype", "bf16", "--report");
        assertTrue(r.out().contains("fidelity of weights 'bf16' against the goldens"), r.out());
        for (String kind : List.of("ar_forward", "nar_forward")) {
            assertTrue(row(r.out(), "x/" + kind).length == 5, r.out());
        }
        String[] all = row(r.out(), "all");
        double worst = Double.parseDouble(all[1]);
        // rounding the weights to 8 bits of mantissa moves the logits, but not by whole units on this tiny model
        assertTrue(worst > 0 && worst < 1, r.out());
        String[] picks = all[2].split("/");
        assertTrue(Long.parseLong(picks[1]) > 0 && Long.parseLong(picks[0]) <= Long.parseLong(picks[1]), r.out());
    }

    @Test
    void anUnknownFormatIsRefusedWithTheChoices() {
        CliResult r = CliResult.run("conformance", "--weight-dtype", "fp8", "--report");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--weight-dtype: unknown weight format 'fp8'"), r.err());
    }

    /** The ar_nar variant under {@code x/} (folder names carry no meaning for the suite). */
    private Path copyVariant() throws IOException {
        Path target = tmp.resolve("x");
        try (Stream<Path> files = Files.walk(VARIANT)) {
            for (Path p : files.toList()) {
                Path to = target.resolve(VARIANT.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to);
                }
            }
        }
        return tmp;
    }

    /** The report row of {@code name}, split on blanks (CASE, MAX, n/m, share, %). */
    private static String[] row(String out, String name) {
        return out.lines().filter(l -> l.startsWith(name + " ")).findFirst().orElseThrow(() -> new AssertionError(
                "no report row '" + name + "' in:\n" + out)).trim().split("\\s+");
    }
}

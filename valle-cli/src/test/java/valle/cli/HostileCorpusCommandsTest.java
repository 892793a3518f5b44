package valle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import valle.core.load.NpyArray;
import valle.tck.hostile.AcceptedWavs;
import valle.tck.hostile.HostileCorpus;
import valle.tck.hostile.HostileFile;

/**
 * {@code check}, {@code encode} and {@code decode} over the hostile corpus: every file is refused with exit code
 * 1 and one line naming it, no stack trace, within seconds, and no output file is left behind; every accepted
 * WAV format encodes; no hostile pickle ever runs its command.
 */
class HostileCorpusCommandsTest {
    private static final Path GOLDEN = Path.of("..", "valle-tck", "golden");
    private static final Path WEIGHTS = GOLDEN.resolve("codec").resolve("weights");
    private static final Path GOOD_WAV = GOLDEN.resolve("codec/golden/prompt_44k_mono/prompt_44k_mono.wav");
    private static final Path GOOD_CODES = GOLDEN.resolve("codec/golden/decode_main/codes.npy");
    /** "Within seconds": generous for a loaded CI machine, far below a hang. */
    private static final long SECONDS = 20;

    @TempDir
    static Path corpusDir;
    private static List<HostileFile> corpus;

    @BeforeAll
    static void writeCorpus() {
        corpus = HostileCorpus.write(GOLDEN, corpusDir);
    }

    @Test
    void theCorpusCoversEveryKind() {
        Map<HostileFile.Kind, Integer> counts = new EnumMap<>(HostileFile.Kind.class);
        corpus.forEach(f -> counts.merge(f.kind(), 1, Integer::sum));
        assertEquals(HostileFile.Kind.values().length, counts.size(), counts.toString());
        assertTrue(corpus.size() >= 60, "corpus of " + corpus.size());
    }

    @Test
    void checkRefusesEveryHostileFileWithOneLineNamingIt() {
        List<String> failures = new ArrayList<>();
        for (HostileFile f : corpus) {
            Result r = run("check", f.file().toString());
            String problem = refusalProblem(r, f.file());
            if (problem == null && !r.err().contains(f.expected())) {
                problem = "does not say '" + f.expected() + "'";
            }
            if (problem == null && r.out().contains(": OK")) {
                problem = "also printed OK";
            }
            if (problem != null) {
                failures.add(f.name() + ": " + problem + " -- " + r.err().strip());
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    @Test
    void encodeRefusesHostileWavsAndWeightsLeavingNoOutput(@TempDir Path out) throws IOException {
        List<String> failures = new ArrayList<>();
        for (HostileFile f : corpus) {
            Path codes = out.resolve(f.file().getFileName() + ".npy");
            Result r;
            if (f.kind() == HostileFile.Kind.WAV) {
                r = run("encode", f.file().toString(), "--out", codes.toString(), "--weights",
                        WEIGHTS.resolve("encodec_hf").toString());
            } else if (f.kind() == HostileFile.Kind.CODEC_WEIGHTS && !f.name().contains("vocos")) {
                r = run("encode", GOOD_WAV.toString(), "--out", codes.toString(), "--weights", f.file().toString());
            } else {
                continue;
            }
            String problem = refusalProblem(r, f.file());
            if (problem != null) {
                failures.add(f.name() + ": " + problem + " -- " + r.err().strip());
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertEmpty(out);
    }

    @Test
    void decodeRefusesHostileCodesAndWeightsLeavingNoOutput(@TempDir Path out) throws IOException {
        List<String> failures = new ArrayList<>();
        for (HostileFile f : corpus) {
            Path wav = out.resolve(f.file().getFileName() + ".wav");
            Result r;
            if (f.kind() == HostileFile.Kind.CODES) {
                r = run("decode", f.file().toString(), "--out", wav.toString(), "--weights", WEIGHTS.resolve("vocos").toString());
            } else if (f.kind() == HostileFile.Kind.CODEC_WEIGHTS) {
                r = run("decode", GOOD_CODES.toString(), "--out", wav.toString(), "--codec",
                        f.name().contains("vocos") ? "vocos" : "encodec", "--weights", f.file().toString());
            } else {
                continue;
            }
            String problem = refusalProblem(r, f.file());
            if (problem != null) {
                failures.add(f.name() + ": " + problem + " -- " + r.err().strip());
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        assertEmpty(out);
    }

    @Test
    void aFailedRunLeavesAnExistingOutputUntouched(@TempDir Path out) throws IOException {
        Path wav = out.resolve("speech.wav");
        Files.writeString(wav, "the previous result");
        HostileFile bad = corpus.stream().filter(f -> f.name().equals("codes/code-outside-the-codebook")).findFirst().orElseThrow();
        Result r = run("decode", bad.file().toString(), "--out", wav.toString(), "--weights", WEIGHTS.resolve("vocos").toString());
        assertEquals(1, r.code(), r.err());
        assertEquals("the previous result", Files.readString(wav));
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of(wav), files.toList(), "no temporary file is left beside the target");
        }
    }

    @Test
    void everyAcceptedWavFormatChecksAndEncodes(@TempDir Path out) {
        for (Path wav : AcceptedWavs.write(out.resolve("wavs"))) {
            Result check = run("check", wav.toString());
            assertEquals(0, check.code(), wav + ": " + check.err());
            Path codes = out.resolve(wav.getFileName() + ".npy");
            Result r = run("encode", wav.toString(), "--out", codes.toString(), "--weights", WEIGHTS.resolve("encodec_hf").toString());
            assertEquals(0, r.code(), wav + ": " + r.err());
            NpyArray a = NpyArray.read(codes);
            assertEquals(8, a.shape()[1], wav.toString());
            assertTrue(a.shape()[0] >= 1, wav.toString());
        }
    }

    @Test
    void noHostilePickleEverRunsItsCommand() {
        for (HostileFile f : corpus) {
            if (f.name().contains("global")) {
                run("check", f.file().toString());
                run("decode", GOOD_CODES.toString(), "--out", corpusDir.resolve("unused.wav").toString(), "--codec", "encodec",
                        "--weights", f.file().toString());
            }
        }
        assertFalse(HostileCorpus.anyPickleRanCode(corpusDir));
        assertFalse(Files.exists(corpusDir.resolve("unused.wav")));
    }

    @Test
    void checkAcceptsTheTinyModelsAndSummarisesThem() {
        Result r = run("check", GOLDEN.resolve("ar_nar").toString(), WEIGHTS.resolve("encodec_24khz_tiny.th").toString(),
                WEIGHTS.resolve("vocos").toString(), GOOD_WAV.toString(), GOOD_CODES.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("70 tensors (70 F16), 861,889 parameters"), r.out());
        assertTrue(r.out().contains("arch llama, 3 layers of width 32"), r.out());
        assertTrue(r.out().contains("encodec: 24000 Hz"), r.out());
        assertTrue(r.out().contains("vocos: 24000 Hz"), r.out());
        assertTrue(r.out().contains("PCM 16-bit, 44100 Hz, 1 channel(s), 13230 frames"), r.out());
        assertTrue(r.out().contains("[60, 8] (frames x levels)"), r.out());
    }

    @Test
    void verboseShowsTheStackTrace() {
        HostileFile bad = corpus.getFirst();
        Result r = run("check", "--verbose", bad.file().toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("\tat "), r.err());
    }

    /** Null when {@code r} is a clean refusal of {@code file}; otherwise what is wrong with it. */
    private static String refusalProblem(Result r, Path file) {
        if (r.code() != 1) {
            return "exit code " + r.code();
        }
        List<String> lines = r.err().lines().filter(l -> !l.startsWith("WARNING")).toList();
        if (lines.size() != 1) {
            return lines.size() + " lines";
        }
        if (!namesFileOrMember(lines.getFirst(), file)) {
            return "does not name " + file.getFileName();
        }
        if (r.err().contains("Exception") || r.err().contains("\tat ")) {
            return "shows an exception";
        }
        if (r.seconds() > SECONDS) {
            return "took " + r.seconds() + " s";
        }
        return null;
    }

    /** Whether {@code line} names {@code file}, or for a folder of weights, the file in it that is at fault. */
    private static boolean namesFileOrMember(String line, Path file) {
        if (line.contains(file.getFileName().toString())) {
            return true;
        }
        try (Stream<Path> members = Files.isDirectory(file) ? Files.list(file) : Stream.empty()) {
            return members.anyMatch(m -> line.contains(m.getFileName().toString()));
        } catch (IOException e) {
            return false;
        }
    }

    private static void assertEmpty(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(), files.toList(), "no output and no temporary file is left behind");
        }
    }

    private record Result(int code, String out, String err, long seconds) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        long start = System.nanoTime();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString(), (System.nanoTime() - start) / 1_000_000_000L);
    }
}

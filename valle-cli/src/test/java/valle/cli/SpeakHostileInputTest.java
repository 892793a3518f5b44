package valle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import valle.core.text.TextLimits;
import valle.tck.hostile.HostileCorpus;
import valle.tck.hostile.HostileFile;

/**
 * {@code valle speak} over the hostile corpus and hostile text: a bad prompt (WAV or codes), a bad model, bad
 * codec weights, empty, punctuation-only, control-character, over-long and invalid UTF-8 text are each refused
 * with exit code 1 and one line, within seconds, and nothing is written at the output path.
 */
class SpeakHostileInputTest {
    private static final Path GOLDEN = Path.of("..", "valle-tck", "golden");
    private static final Path MODEL = GOLDEN.resolve("ar_nar_len/model.sft");
    private static final Path ENCODEC = GOLDEN.resolve("codec/weights/encodec_hf");
    private static final Path VOCOS = GOLDEN.resolve("codec/weights/vocos");
    private static final Path PROMPT = GOLDEN.resolve("codec/golden/prompt_16k_stereo/prompt_16k_stereo.wav");
    private static final long SECONDS = 20;

    @TempDir
    static Path corpusDir;
    private static List<HostileFile> corpus;

    @BeforeAll
    static void writeCorpus() {
        corpus = HostileCorpus.write(GOLDEN, corpusDir);
    }

    @Test
    void everyHostileFileGivenToSpeakIsRefusedWithOneLineAndNoOutput(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("speech.wav");
        List<String> failures = new ArrayList<>();
        for (HostileFile f : corpus) {
            if (f.name().equals("checkpoint/nan-weight")) {
                continue; // a value scan of every weight is check's deep validation; speak loads what binds
            }
            List<String> args = new ArrayList<>(List.of("speak", "--phonemes", "həlˈoʊ.", "--out", out.toString(), "-q",
                    "--max-duration", "20"));
            switch (f.kind()) {
                case WAV, CODES -> args.addAll(List.of("--prompt", f.file().toString(), "--model", MODEL.toString(),
                        "--codec", ENCODEC.toString(), "--vocoder", VOCOS.toString()));
                case CHECKPOINT -> args.addAll(List.of("--model", f.file().toString(), "--prompt", PROMPT.toString(),
                        "--codec", ENCODEC.toString(), "--vocoder", VOCOS.toString()));
                case CODEC_WEIGHTS -> {
                    boolean vocos = f.name().contains("vocos");
                    args.addAll(List.of("--model", MODEL.toString(), "--prompt", PROMPT.toString(),
                            "--codec", vocos ? ENCODEC.toString() : f.file().toString(),
                            "--vocoder", vocos ? f.file().toString() : VOCOS.toString()));
                }
            }
            Result r = run(new byte[0], args.toArray(String[]::new));
            String problem = refusalProblem(r, f.file());
            if (problem == null && Files.exists(out)) {
                problem = "left " + out.getFileName();
            }
            Files.deleteIfExists(out);
            if (problem != null) {
                failures.add(f.name() + ": " + problem + " -- " + r.err().strip());
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
        try (Stream<Path> files = Files.list(tmp)) {
            assertEquals(List.of(), files.toList(), "no output and no temporary file");
        }
    }

    @Test
    void hostileTextIsRefusedWithOneLine(@TempDir Path tmp) {
        Path out = tmp.resolve("speech.wav");
        String[][] cases = {
            {"", "the text is empty"},
            {"   ", "the text is empty"},
            {"?!... --", "no words to speak"},
            {"Hello\u0007 world", "control character U+0007"},
            {"a\u0000b", "control character U+0000"},
        };
        for (String[] c : cases) {
            Result r = run(new byte[0], "speak", "--text", c[0], "--out", out.toString(), "-q", "--model", MODEL.toString(),
                    "--prompt", PROMPT.toString(), "--codec", ENCODEC.toString(), "--vocoder", VOCOS.toString());
            assertEquals(null, refusalProblem(r, null), "'" + c[0] + "': " + r.err());
            assertTrue(r.err().contains(c[1]), "'" + c[0] + "': " + r.err());
            assertFalse(Files.exists(out));
        }
        Result phonemes = run(new byte[0], "speak", "--phonemes", "hə\u001blˈoʊ.", "--out", out.toString(), "-q",
                "--model", MODEL.toString(), "--prompt", PROMPT.toString(), "--codec", ENCODEC.toString(),
                "--vocoder", VOCOS.toString());
        assertTrue(phonemes.code() == 1 && phonemes.err().contains("control character U+001B"), phonemes.err());
    }

    @Test
    void invalidUtf8OnStandardInputIsRefused(@TempDir Path tmp) {
        Path out = tmp.resolve("speech.wav");
        Result r = run(new byte[] {'h', 'i', ' ', (byte) 0xFF, (byte) 0xFE, '.'}, "speak", "-", "--out", out.toString(),
                "-q", "--model", MODEL.toString(), "--prompt", PROMPT.toString(), "--codec", ENCODEC.toString(),
                "--vocoder", VOCOS.toString());
        assertEquals(null, refusalProblem(r, null), r.err());
        assertTrue(r.err().contains("UTF-8"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void textOverTheConfiguredLimitIsRefusedBeforeAnyWork(@TempDir Path tmp) {
        Path out = tmp.resolve("speech.wav");
        String before = System.getProperty(TextLimits.PROPERTY);
        System.setProperty(TextLimits.PROPERTY, "1000");
        try {
            String text = "Hello there. ".repeat(200);
            Result r = run(text.getBytes(StandardCharsets.UTF_8), "speak", "-", "--out", out.toString(), "-q",
                    "--model", MODEL.toString(), "--prompt", PROMPT.toString(), "--codec", ENCODEC.toString(),
                    "--vocoder", VOCOS.toString());
            assertEquals(null, refusalProblem(r, null), r.err());
            assertTrue(r.err().contains("2600 characters, over the limit of 1000"), r.err());
            assertFalse(Files.exists(out));
        } finally {
            if (before == null) {
                System.clearProperty(TextLimits.PROPERTY);
            } else {
                System.setProperty(TextLimits.PROPERTY, before);
            }
        }
    }

    /** Null when {@code r} is a clean one-line refusal (naming {@code file} when given); otherwise what is wrong. */
    private static String refusalProblem(Result r, Path file) {
        if (r.code() != 1) {
            return "exit code " + r.code();
        }
        List<String> lines = r.err().lines().toList();
        if (lines.size() != 1) {
            return lines.size() + " lines";
        }
        if (file != null && !namesFileOrMember(lines.getFirst(), file)) {
            return "does not name " + file.getFileName();
        }
        if (r.err().contains("Exception") || r.err().contains("\tat ")) {
            return "shows an exception";
        }
        return r.seconds() > SECONDS ? "took " + r.seconds() + " s" : null;
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

    private record Result(int code, String out, String err, long seconds) {
    }

    private static Result run(byte[] stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        long start = System.nanoTime();
        int code = Main.run(args, new ByteArrayInputStream(stdin), new ByteArrayOutputStream(), new PrintWriter(out, true),
                new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString(), (System.nanoTime() - start) / 1_000_000_000L);
    }
}

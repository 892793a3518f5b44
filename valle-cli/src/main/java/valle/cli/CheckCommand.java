package valle.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import valle.api.ValleException;
import valle.api.codec.Codec;
import valle.core.plugin.CodecRole;
import valle.core.plugin.PluginRegistry;
import valle.core.plugin.Plugins;

/**
 * {@code valle check FILE...}, in the spirit of Lucene's {@code CheckIndex}: recognises each file, reads it
 * completely with the readers the other commands use, and prints a short summary ({@code FILE: OK ...}) or one
 * line per problem naming the file; without files, the ones {@code speak} would run on without flags
 * ({@link BundledDefaults}). Exits 0 when every file is sound, 1 otherwise; stack traces only with
 * {@code --verbose}.
 */
@Command(name = "check", description = "Validate VALL-E checkpoints, codec weights, WAV files and codes; exit 1 on any problem.",
        footer = {"  ./valle check               # the files speak would use without flags",
            "  ./valle check model.sft encodec_24khz/ voice.wav codes.npy"})
final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "FILE",
            description = {"Files to check: .sft checkpoints, codec weights (.th, .bin, .safetensors or their folder), .wav, .npy, .enc.",
                "None: the model and codec weights speak would use without flags (the bundled tiny ones, or the codec weights set by -D/VALLE_*_WEIGHTS)."})
    List<Path> files = new ArrayList<>();

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int bad = 0;
        for (Path file : files.isEmpty() ? speakDefaults(err) : files) {
            try {
                FileCheck check = FileKind.checkFor(file);
                List<String> summary = check.check(file);
                out.println(file + ": OK, " + check.kind());
                summary.forEach(line -> out.println("  " + line));
            } catch (ValleException | IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException e) {
                bad++;
                err.println(problemLine(file, e.getMessage()));
                if (verbose.verbose) {
                    e.printStackTrace(err);
                }
            }
        }
        out.flush();
        return bad == 0 ? 0 : 1;
    }

    /** What {@code speak} without flags runs on: the bundled model, and each codec's configured or bundled weights. */
    private static List<Path> speakDefaults(PrintWriter notices) {
        BundledDefaults bundled = BundledDefaults.locate();
        bundled.announce(notices);
        PluginRegistry<Codec> codecs = Plugins.discover().codecs();
        return Stream.of(bundled.model(),
                        CodecOpener.weightsOrNull(CodecRole.ENCODE.choose(codecs, null), null, bundled),
                        CodecOpener.weightsOrNull(CodecRole.DECODE.choose(codecs, null), null, bundled))
                .filter(Objects::nonNull).distinct().toList();
    }

    /** The message on one line, starting with the file's name when the reader's message does not. */
    static String problemLine(Path file, String message) {
        String line = String.valueOf(message).replace('\n', ' ');
        String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
        return line.contains(name) ? line : file + ": " + line;
    }
}

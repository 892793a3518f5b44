package valle.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import valle.api.ValleException;
import valle.api.codec.AudioCodec;
import valle.api.codec.Codec;
import valle.api.codec.Codes;
import valle.core.Valle;
import valle.core.audio.WavFile;
import valle.core.load.CodesFile;
import valle.core.plugin.CodecRole;

/**
 * {@code valle decode}: codes to a WAV file, as vall-e's {@code decode_to_file} writes it: the codec's output
 * untrimmed ({@code 320·T} samples at 24 kHz), unclipped, as 32-bit float mono.
 */
@Command(name = "decode", description = "Decode codes (.npy [T, levels] or a reference .enc) into a WAV file.",
        footer = {"  ./valle decode codes.npy --out speech.wav   # bundled tiny vocoder: noise",
            "  ./valle decode codes.npy --out speech.wav --weights vocos-encodec-24khz/",
            "  ./valle decode codes.npy --out s.wav --codec encodec --weights encodec_24khz/"})
final class DecodeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "CODES", description = "Codes: .npy int array [T, levels] or .enc.")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "WAV", description = "The WAV file to write.")
    Path out;

    @Option(names = "--codec", paramLabel = "NAME", description = "vocos or encodec (default: auto, the best that decodes: vocos).")
    String codec;

    @Option(names = "--weights", paramLabel = "PATH",
            description = "The codec's weights (default: -Dvalle.<codec>.weights, VALLE_<CODEC>_WEIGHTS, else the bundled tiny random ones).")
    Path weights;

    @Option(names = "--pcm16", description = "Write 16-bit PCM (rounded, clipped to [-1, 1)) instead of 32-bit float.")
    boolean pcm16;

    @Mixin
    BackendOption backend;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        Codes codes = CodesFile.read(input);
        try (Valle valle = Valle.builder().backend(backend.name).build()) {
            Codec chosen = CodecOpener.choose(valle, CodecRole.DECODE, codec);
            try (AudioCodec c = CodecOpener.open(chosen, weights, spec.commandLine().getErr())) {
                CodesFile.requireDecodable(input, codes, c, chosen.name());
                float[] pcm = c.decode(codes);
                WavFile.write(out, pcm, c.sampleRate(), pcm16 ? WavFile.Encoding.PCM16 : WavFile.Encoding.FLOAT32);
                stdout.printf("%s: %d frames x %d levels (%s) -> %.2f s at %d Hz -> %s%n", input, codes.frames(),
                        codes.levels(), chosen.name() + " on " + chosen.backend(), (double) pcm.length / c.sampleRate(), c.sampleRate(), out);
            }
        } catch (UncheckedIOException e) {
            throw new ValleException(e.getMessage(), e);
        }
        return 0;
    }
}

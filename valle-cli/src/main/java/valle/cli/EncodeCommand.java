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
import valle.core.audio.PcmAudio;
import valle.core.audio.WavFile;
import valle.core.load.CodesFile;
import valle.core.plugin.CodecRole;

/**
 * {@code valle encode}: a WAV file to prompt codes, as vall-e's {@code encode_from_file} makes them: channel 0 of
 * a stereo file, resampled to the codec's rate with torchaudio's resampler, encoded at 6 kbps.
 */
@Command(name = "encode", description = "Encode a WAV file (PCM 8/16/24/32-bit or float, any rate) into codes [T, 8] (.npy).",
        footer = {"  ./valle encode voice.wav --out codes.npy   # bundled tiny codec: random codes",
            "  ./valle encode voice.wav --out codes.npy --weights encodec_24khz/"})
final class EncodeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "WAV", description = "The voice to encode.")
    Path input;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Codes to write: .npy int32 [T, levels].")
    Path out;

    @Option(names = "--codec", paramLabel = "NAME", description = "Codec (default: auto, the best that encodes: encodec).")
    String codec;

    @Option(names = "--weights", paramLabel = "PATH",
            description = "The codec's weights (default: -Dvalle.<codec>.weights, VALLE_<CODEC>_WEIGHTS, else the bundled tiny random ones).")
    Path weights;

    @Option(names = "--levels", paramLabel = "N", description = "Codebooks per frame (default: the codec's, 8 = 6 kbps).")
    Integer levels;

    @Mixin
    BackendOption backend;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        PrintWriter stdout = spec.commandLine().getOut();
        PcmAudio audio = WavFile.read(input);
        try (Valle valle = Valle.builder().backend(backend.name).build()) {
            Codec chosen = CodecOpener.choose(valle, CodecRole.ENCODE, codec);
            try (AudioCodec c = CodecOpener.open(chosen, weights, spec.commandLine().getErr())) {
                float[] pcm = audio.referenceMonoAt(c.sampleRate());
                if (pcm.length == 0) {
                    throw new IllegalArgumentException(input + ": the file holds no samples");
                }
                Codes codes = c.encode(pcm, levels == null ? c.levels() : levels);
                CodesFile.write(out, codes);
                stdout.printf("%s: %.2f s at %d Hz, %d channel(s) -> %d frames x %d levels (%s) -> %s%n", input,
                        (double) audio.frames() / audio.sampleRate(), audio.sampleRate(), audio.channels().length,
                        codes.frames(), codes.levels(), chosen.name() + " on " + chosen.backend(), out);
            }
        } catch (UncheckedIOException e) {
            throw new ValleException(e.getMessage(), e);
        }
        return 0;
    }
}

package valle.server;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import valle.core.audio.PcmAudio;
import valle.core.audio.WavFile;

/**
 * The reference decoders the format tests check the server's audio with: Debian's {@code flac}, {@code opusdec}
 * (opus-tools) and {@code mpg123}, which {@code .ci/run} installs. Where one is missing its tests are skipped,
 * saying which package brings it.
 */
enum StandardDecoder {
    FLAC("flac", "flac", "flac"),
    OPUS("opusdec", "opus-tools", "opus"),
    MP3("mpg123", "mpg123", "mp3");

    private final String program;
    private final String debianPackage;
    private final String extension;

    StandardDecoder(String program, String debianPackage, String extension) {
        this.program = program;
        this.debianPackage = debianPackage;
        this.extension = extension;
    }

    static StandardDecoder of(AudioFormat format) {
        return valueOf(format.name());
    }

    /** Skips the calling test when the decoder is not installed. */
    void assumeInstalled() {
        boolean found = false;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator)) {
            found |= Files.isExecutable(Path.of(dir, program));
        }
        assumeTrue(found, program + " is not installed: 'apt-get install " + debianPackage + "' (.ci/run does) to"
                + " check this format with a standard decoder");
    }

    /** Decodes {@code encoded} to 24 kHz mono samples with the standard program. */
    PcmAudio decode(byte[] encoded, Path tmp) throws IOException, InterruptedException {
        assumeInstalled();
        Path in = Files.createTempFile(tmp, "in", "." + extension);
        Path out = tmp.resolve(in.getFileName() + ".wav");
        Files.write(in, encoded);
        List<String> command = new ArrayList<>(switch (this) {
            case FLAC -> List.of(program, "--decode", "--silent", "--force", "--output-name=" + out, in.toString());
            case OPUS -> List.of(program, "--quiet", "--rate", "24000", in.toString(), out.toString());
            case MP3 -> List.of(program, "--quiet", "--wav", out.toString(), in.toString());
        });
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + log);
        }
        return WavFile.read(out);
    }
}

package valle.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import valle.core.audio.PcmAudio;
import valle.core.audio.WavFile;

/** {@code valle check} of a WAV file: read as {@code valle encode} reads a prompt. */
final class WavCheck implements FileCheck {

    @Override
    public String kind() {
        return "WAV audio";
    }

    @Override
    public List<String> check(Path file) {
        WavFile.Format format = WavFile.format(file);
        PcmAudio audio = WavFile.read(file);
        return List.of(String.format(Locale.ROOT, "%s, %d Hz, %d channel(s), %d frames = %.3f s", format.describe(),
                audio.sampleRate(), audio.channels().length, audio.frames(), (double) audio.frames() / audio.sampleRate()));
    }
}

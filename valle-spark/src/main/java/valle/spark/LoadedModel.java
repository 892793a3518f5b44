package valle.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import valle.core.Valle;
import valle.core.speech.Voice;

/**
 * One executor's model and the voices it has encoded: each voice prompt is read (and, for a recording, encoded)
 * once per JVM however many rows name it. Thread-safe: the executor's concurrent tasks share it.
 */
final class LoadedModel {
    /** The files a voice name may stand for in the voices folder, in the order they are tried. */
    private static final String[] VOICE_FILES = {".npy", ".enc", ".wav"};

    private final Valle valle;
    private final Map<String, Voice> voices = new ConcurrentHashMap<>();

    LoadedModel(Valle valle) {
        this.valle = valle;
    }

    Valle valle() {
        return valle;
    }

    /**
     * The voice a row names: {@code null} or blank is no prompt; otherwise a file of {@code folder}
     * ({@code NAME.npy}, {@code NAME.enc}, {@code NAME.wav}, or NAME itself).
     *
     * @throws IllegalArgumentException naming the voice and where it was looked for when there is no such file
     */
    Voice voice(String name, String folder) {
        if (name == null || name.isBlank()) {
            return Voice.NONE;
        }
        return voices.computeIfAbsent(name, n -> valle.voice(file(n, folder)));
    }

    private static Path file(String name, String folder) {
        if (folder == null) {
            throw new IllegalArgumentException("the row names voice '" + name + "' but the job has no voices folder"
                    + " (SynthesisOptions.builder().voices(dir), or --voices DIR)");
        }
        Path dir = Path.of(folder);
        if (!name.contains("/") && !name.startsWith(".")) {
            for (String ext : VOICE_FILES) {
                Path candidate = dir.resolve(name + ext);
                if (Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
            Path exact = dir.resolve(name);
            if (Files.isRegularFile(exact)) {
                return exact;
            }
        }
        throw new IllegalArgumentException("unknown voice '" + name + "': no " + name + ".npy, .enc or .wav in " + dir);
    }
}

package valle.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import valle.api.ModelFormatException;
import valle.core.Valle;
import valle.core.audio.PcmAudio;
import valle.core.audio.WavFile;
import valle.core.load.AtomicFile;
import valle.core.speech.Voice;

/**
 * The server's voices: every {@code NAME.wav} in the voices folder (encoded once, re-encoded when the file
 * changes) plus uploads. {@code default} always exists: {@code default.wav} when the folder has one, else no
 * prompt at all. Names are letters, digits, {@code _} and {@code -}, so a name never reaches outside the folder.
 */
final class VoiceLibrary {
    static final String DEFAULT = "default";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final Valle tts;
    private final Path dir;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /** An encoded voice and the file state it was encoded from ({@code null} for an upload kept in memory). */
    private record Cached(Voice voice, FileTime modified, long size) {
    }

    /** A voice as {@code GET /v1/voices} lists it. */
    record Listed(String name, double seconds) {
    }

    VoiceLibrary(Valle tts, Path dir) {
        this.tts = tts;
        this.dir = dir;
    }

    /**
     * The voice called {@code name}.
     *
     * @throws ApiError 404 for an unknown voice, 400 for a voice file that cannot be used
     */
    Voice get(String name) {
        if (!NAME.matcher(name).matches()) {
            throw ApiError.notFound("unknown voice '" + name + "': GET /v1/voices lists the voices");
        }
        Path file = dir == null ? null : dir.resolve(name + ".wav");
        if (file != null && Files.isRegularFile(file)) {
            try {
                FileTime modified = Files.getLastModifiedTime(file);
                long size = Files.size(file);
                Cached c = cache.get(name);
                if (c != null && modified.equals(c.modified()) && size == c.size()) {
                    return c.voice();
                }
                Voice v = encode(name, WavFile.read(file));
                cache.put(name, new Cached(v, modified, size));
                return v;
            } catch (IOException e) {
                throw new ApiError(500, "server_error", "cannot read voice '" + name + "': " + e.getMessage());
            }
        }
        Cached uploaded = cache.get(name);
        if (uploaded != null && uploaded.modified() == null) {
            return uploaded.voice();
        }
        if (name.equals(DEFAULT)) {
            return Voice.NONE;
        }
        throw ApiError.notFound("unknown voice '" + name + "': GET /v1/voices lists the voices");
    }

    /** Whether a voice of this name exists (in the folder or uploaded); {@code default} always does. */
    boolean has(String name) {
        if (name.equals(DEFAULT)) {
            return true;
        }
        if (!NAME.matcher(name).matches()) {
            return false;
        }
        Cached c = cache.get(name);
        return (c != null && c.modified() == null) || (dir != null && Files.isRegularFile(dir.resolve(name + ".wav")));
    }

    /**
     * Adds (or replaces) a voice from the bytes of a WAV file: checked and encoded first, then saved to the
     * folder atomically, so a bad upload leaves nothing behind.
     *
     * @throws ApiError 400 for a bad name or a file that is not usable audio
     */
    Voice add(String name, byte[] wav) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ApiError.badRequest("a voice name is 1 to 64 letters, digits, '_' or '-', got '" + name + "'");
        }
        Voice v;
        try {
            v = encode(name, WavFile.parse(wav, name + ".wav"));
        } catch (ModelFormatException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        if (dir != null) {
            Path file = dir.resolve(name + ".wav");
            AtomicFile.write(file, ByteBuffer.wrap(wav));
            try {
                cache.put(name, new Cached(v, Files.getLastModifiedTime(file), Files.size(file)));
            } catch (IOException e) {
                cache.remove(name);
            }
        } else {
            cache.put(name, new Cached(v, null, 0));
        }
        return v;
    }

    /** Every voice, {@code default} first, then by name. */
    List<Listed> list() {
        Map<String, Double> found = new TreeMap<>();
        for (Map.Entry<String, Cached> e : cache.entrySet()) {
            if (e.getValue().modified() == null) {
                found.put(e.getKey(), seconds(e.getValue().voice()));
            }
        }
        if (dir != null && Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    String file = f.getFileName().toString();
                    if (file.endsWith(".wav") && NAME.matcher(file.substring(0, file.length() - 4)).matches()) {
                        String name = file.substring(0, file.length() - 4);
                        try {
                            found.put(name, seconds(get(name)));
                        } catch (ApiError e) {
                            // a broken file in the folder is not a voice; asking for it by name says why
                        }
                    }
                }
            } catch (IOException e) {
                throw new ApiError(500, "server_error", "cannot list the voices folder: " + e.getMessage());
            }
        }
        List<Listed> out = new ArrayList<>();
        out.add(new Listed(DEFAULT, found.containsKey(DEFAULT) ? found.remove(DEFAULT) : 0));
        found.forEach((name, seconds) -> out.add(new Listed(name, seconds)));
        return out;
    }

    private Voice encode(String name, PcmAudio audio) {
        try {
            return tts.voice(name, audio);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        } catch (IllegalStateException e) {
            throw new ApiError(501, "server_error", "this server cannot encode voices: it was started without a codec");
        }
    }

    private static double seconds(Voice v) {
        return v.hasPrompt() ? v.codes().frames() / 75.0 : 0;
    }
}

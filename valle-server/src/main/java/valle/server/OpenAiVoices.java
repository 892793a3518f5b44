package valle.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import valle.api.ModelFormatException;
import valle.kit.io.Json;

/**
 * OpenAI's voice names and the library voices they stand for, from {@code openai-voices.json} in the voices folder
 * (e.g. {@code {"alloy": "alice", "nova": "carol"}}; read again when it changes; any other name may be mapped
 * too). A voice of the library with an OpenAI name and no mapping is itself; an OpenAI name with neither a mapping nor such a voice speaks as {@code default}, logged
 * once per name, so a client that keeps OpenAI's defaults always gets speech.
 */
final class OpenAiVoices {
    static final String FILE = "openai-voices.json";
    /** The voices OpenAI's speech API offers. */
    static final List<String> NAMES = List.of("alloy", "ash", "ballad", "coral", "echo", "fable", "onyx", "nova",
            "sage", "shimmer", "verse", "marin", "cedar");
    private static final Logger LOG = LoggerFactory.getLogger(OpenAiVoices.class);

    private final Path file;
    private final Set<String> loggedFallbacks = ConcurrentHashMap.newKeySet();
    private volatile Loaded loaded = new Loaded(null, 0, Map.of());

    private record Loaded(java.nio.file.attribute.FileTime modified, long size, Map<String, String> mapping) {
    }

    /** @param voicesDir the voices folder, or {@code null} for none (every OpenAI name is then {@code default}) */
    OpenAiVoices(Path voicesDir) {
        this.file = voicesDir == null ? null : voicesDir.resolve(FILE);
    }

    /**
     * The library voice that a request's {@code name} stands for: its mapping, else itself (a library voice, or an
     * unknown name that the library then refuses), else for an OpenAI name {@code default}.
     *
     * @param exists whether the library has a voice of a name itself
     * @throws ApiError 500 when the mapping file is not a JSON object of names
     */
    String resolve(String name, Predicate<String> exists) {
        String mapped = mapping().get(name);
        if (mapped != null) {
            return mapped;
        }
        if (!NAMES.contains(name) || exists.test(name)) {
            return name;
        }
        if (loggedFallbacks.add(name)) {
            LOG.info("OpenAI voice '{}' has no mapping in {}: it speaks as '{}'", name,
                    file == null ? "(no voices folder)" : file, VoiceLibrary.DEFAULT);
        }
        return VoiceLibrary.DEFAULT;
    }

    /** Each OpenAI name and the library voice it speaks as, for {@code GET /v1/voices}. */
    Map<String, String> table(Predicate<String> exists) {
        Map<String, String> out = new LinkedHashMap<>();
        Map<String, String> mapping = mapping();
        for (String name : NAMES) {
            out.put(name, mapping.getOrDefault(name, exists.test(name) ? name : VoiceLibrary.DEFAULT));
        }
        return out;
    }

    private Map<String, String> mapping() {
        if (file == null || !Files.isRegularFile(file)) {
            return Map.of();
        }
        try {
            var modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            Loaded l = loaded;
            if (modified.equals(l.modified()) && size == l.size()) {
                return l.mapping();
            }
            Map<String, String> mapping = parse(Files.readString(file));
            loaded = new Loaded(modified, size, mapping);
            return mapping;
        } catch (IOException | ModelFormatException e) {
            throw new ApiError(500, "server_error", "cannot read the voice mapping " + file + ": " + e.getMessage());
        }
    }

    private Map<String, String> parse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : Json.parseObject(text, file.toString()).entrySet()) {
            if (!(e.getValue() instanceof String voice)) {
                throw new ModelFormatException(file + ": '" + e.getKey() + "' must map to a voice's name, got "
                        + Json.typeName(e.getValue()));
            }
            out.put(e.getKey(), voice);
        }
        return out;
    }
}

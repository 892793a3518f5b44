package valle.server;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import valle.api.ModelFormatException;
import valle.core.speech.InferenceSettings;
import valle.core.speech.SpeechRequest;
import valle.core.speech.SpeechTask;
import valle.core.speech.Voice;
import valle.kit.io.Json;

/**
 * The body of {@code POST /v1/audio/speech}: OpenAI's fields ({@code model}, {@code input}, {@code voice},
 * {@code response_format}, {@code speed}, {@code instructions}, {@code stream_format}) plus valle's own:
 * {@code language} and any sampling setting of the reference ({@code seed}, {@code ar_temperature},
 * {@code max_steps}, ...), starting from the reference command line's defaults as {@code valle speak} does,
 * {@code input_prompt_length} (the reference's seconds to repeat or trim the voice's prompt to) and
 * {@code split_text_by} ({@code sentences}, the default, or {@code lines}: the reference's text delimiter),
 * {@code output_language} (the language token, the reference's {@code language}; default {@code language}, which is
 * the text's) and {@code task} ({@code tts}, or {@code ns} / {@code sr}, which run as plain text-to-speech as in the
 * reference; {@code vc} is {@code POST /v1/audio/conversions}).
 *
 * @param request      the speech request (its voice still to be looked up)
 * @param voice        the voice's name ({@code "alloy"} or {@code {"id": "alloy"}} in the body)
 * @param format       how the audio is encoded
 * @param sse          whether the audio goes as server-sent events ({@code stream_format: "sse"}) rather than raw
 * @param instructions whether the body had {@code instructions} (accepted, and ignored: valle has no such control)
 * @param inputPromptLength seconds to repeat or trim the voice's prompt to ({@link Voice#repeatedTo}); 0 keeps it
 * @param task         the task asked for: {@code tts}, {@code ns} or {@code sr}, all run as text-to-speech
 */
record SpeechParams(SpeechRequest request, String voice, AudioFormat format, boolean sse, boolean instructions,
                    double inputPromptLength, SpeechTask task) {
    /** The fields read here rather than passed on as sampling settings. */
    private static final Set<String> OWN = Set.of("model", "input", "voice", "response_format", "speed",
            "instructions", "stream_format", "language", "input_prompt_length", "split_text_by", "output_language", "task");
    /** The longest prompt a request may ask for: well past the web UI's 12 s, short enough to bound the memory. */
    static final double MAX_INPUT_PROMPT_SECONDS = 60;
    /** What clients of OpenAI's API commonly send as the model; all mean the one model this server has. */
    static final Set<String> MODEL_ALIASES = Set.of("tts-1", "tts-1-hd", "gpt-4o-mini-tts");

    /**
     * Parses and checks a body.
     *
     * @param narLen whether the loaded model makes level 0 by duration and demasking (needed for {@code speed})
     * @throws ApiError 400 naming the field that is wrong
     */
    static SpeechParams parse(byte[] body, String modelId, int maxInputChars, boolean narLen) {
        Map<String, Object> json;
        try {
            json = Json.parseObject(new String(body, java.nio.charset.StandardCharsets.UTF_8), "request body");
        } catch (ModelFormatException e) {
            throw ApiError.badRequest("the body must be a JSON object: " + e.getMessage());
        }
        Object model = json.get("model");
        if (model != null && !(model instanceof String m && (m.equals(modelId) || MODEL_ALIASES.contains(m)))) {
            throw ApiError.badParam("model", "unknown model '" + model + "': this server has '" + modelId + "' (GET /v1/models)"
                    + " and accepts " + String.join(", ", MODEL_ALIASES.stream().sorted().toList()));
        }
        String input = string(json, "input", null);
        if (input == null || input.isBlank()) {
            throw ApiError.badParam("input", "'input' must be the text to say");
        }
        if (input.length() > maxInputChars) {
            throw ApiError.badParam("input", "'input' has " + input.length() + " characters; the most is " + maxInputChars);
        }
        String voice = voice(json.get("voice"));
        // OpenAI's default is mp3
        AudioFormat format = AudioFormat.parse(string(json, "response_format", "mp3"));
        String streamFormat = string(json, "stream_format", "audio");
        if (!streamFormat.equals("audio") && !streamFormat.equals("sse")) {
            throw ApiError.badParam("stream_format", "unknown stream_format '" + streamFormat + "': use 'audio' (the raw"
                    + " stream) or 'sse' (server-sent events)");
        }
        Object instructions = json.get("instructions");
        if (instructions != null && !(instructions instanceof String)) {
            throw ApiError.badParam("instructions", "'instructions' must be a string, got " + Json.typeName(instructions));
        }
        Map<String, Object> kwargs = new LinkedHashMap<>(InferenceSettings.commandLineKwargs());
        Map<String, Object> extras = new HashMap<>();
        json.forEach((k, v) -> {
            if (!OWN.contains(k)) {
                extras.put(k, v);
            }
        });
        kwargs.putAll(extras);
        Object speed = json.get("speed");
        if (speed != null) {
            if (!(speed instanceof Number n) || !(n.doubleValue() >= 0.25 && n.doubleValue() <= 4.0)) {
                throw ApiError.badParam("speed", "'speed' must be a number from 0.25 to 4.0");
            }
            if (n.doubleValue() != 1.0) {
                if (!narLen) {
                    throw ApiError.badParam("speed", "'speed' other than 1.0 needs a NAR-len model (its duration is predicted"
                            + " and can be scaled); this one speaks autoregressively");
                }
                // the predicted length is scaled by duration_padding (1.05 by default): a faster speech is shorter
                double padding = ((Number) kwargs.getOrDefault("duration_padding", 1.05)).doubleValue();
                kwargs.put("duration_padding", padding / n.doubleValue());
            }
        }
        InferenceSettings settings;
        try {
            settings = InferenceSettings.fromKwargs(kwargs);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        String language = string(json, "language", "en");
        SpeechRequest request = new SpeechRequest(input, textInput(json.get("split_text_by")), language, Voice.NONE, settings)
                .withOutputLanguage(string(json, "output_language", null));
        return new SpeechParams(request, voice, format, streamFormat.equals("sse"), instructions != null,
                inputPromptLength(json.get("input_prompt_length")), task(string(json, "task", "tts")));
    }

    /**
     * The task: {@code tts}, or {@code ns} / {@code sr}, which the reference runs as plain text-to-speech.
     *
     * @throws ApiError 400 naming {@code task}, for {@code vc} (which has its own endpoint) and unknown names
     */
    static SpeechTask task(String name) {
        SpeechTask task;
        try {
            task = SpeechTask.parse(name);
        } catch (IllegalArgumentException e) {
            throw ApiError.badParam("task", e.getMessage());
        }
        if (!task.runsAsTts()) {
            throw ApiError.badParam("task", "task vc converts an uploaded utterance: POST it to /v1/audio/conversions");
        }
        return task;
    }

    /**
     * {@code input_prompt_length} checked: 0 (or absent, {@code null}) keeps the prompt; else at least one frame
     * (1/75 s), at most 60 s.
     *
     * @throws ApiError 400 naming {@code input_prompt_length}
     */
    static double inputPromptLength(Object v) {
        if (v == null) {
            return 0;
        }
        if (!(v instanceof Number n) || !(n.doubleValue() == 0 || n.doubleValue() >= 1.0 / 75
                && n.doubleValue() <= MAX_INPUT_PROMPT_SECONDS)) {
            throw ApiError.badParam("input_prompt_length", "'input_prompt_length' must be 0 (the voice's prompt as it is)"
                    + " or the seconds to repeat or trim it to, from 1/75 (one frame) to " + (int) MAX_INPUT_PROMPT_SECONDS
                    + ", got " + (v instanceof Number ? v : Json.typeName(v)));
        }
        return n.doubleValue();
    }

    /**
     * How the text is cut into utterances: {@code sentences} (or absent) as the reference's default, {@code lines}
     * (or the reference's own value {@code "\n"}) one utterance per line.
     *
     * @throws ApiError 400 naming {@code split_text_by}
     */
    static SpeechRequest.Input textInput(Object v) {
        if (v == null || v.equals("sentences")) {
            return SpeechRequest.Input.TEXT;
        }
        if (v.equals("lines") || v.equals("\n")) {
            return SpeechRequest.Input.TEXT_LINES;
        }
        throw ApiError.badParam("split_text_by", "'split_text_by' must be \"sentences\" or \"lines\", got "
                + (v instanceof String ? "'" + v + "'" : Json.typeName(v)));
    }

    /** A voice's name, given as a string or as OpenAI's voice object {@code {"id": "…"}}. */
    private static String voice(Object v) {
        return switch (v) {
            case null -> VoiceLibrary.DEFAULT;
            case String name -> name;
            case Map<?, ?> object when object.get("id") instanceof String id -> id;
            default -> throw ApiError.badParam("voice", "'voice' must be a voice's name or {\"id\": \"name\"}, got "
                    + Json.typeName(v));
        };
    }

    private static String string(Map<String, Object> json, String key, String fallback) {
        Object v = json.get(key);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof String s)) {
            throw ApiError.badParam(key, "'" + key + "' must be a string, got " + Json.typeName(v));
        }
        return s;
    }
}

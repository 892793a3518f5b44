package valle.server;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The audio formats the speech endpoint sends, each made by its own {@link AudioEncoder}. */
enum AudioFormat {
    /** MPEG-1/2 Layer III through jump3r, a Java port of LAME (OpenAI's default format). */
    MP3("mp3", "audio/mpeg"),
    /** Ogg Opus (RFC 7845) through Concentus, a Java port of libopus. */
    OPUS("opus", "audio/ogg"),
    /** FLAC (RFC 9639), 16-bit, by the server's own fixed-predictor encoder. */
    FLAC("flac", "audio/flac"),
    /** A WAV stream of 32-bit float samples whose header says "length unknown", as {@code valle speak} writes. */
    WAV("wav", "audio/wav"),
    /** Raw 16-bit signed little-endian samples, as OpenAI's {@code pcm}. */
    PCM("pcm", "audio/pcm");

    private static final String NAMES = Arrays.stream(values()).map(f -> "'" + f.id + "'")
            .collect(Collectors.joining(", "));

    private final String id;
    private final String mime;

    AudioFormat(String id, String mime) {
        this.id = id;
        this.mime = mime;
    }

    String mime() {
        return mime;
    }

    /** A new encoder for one response of mono audio at {@code sampleRate}. */
    AudioEncoder encoder(int sampleRate) {
        return switch (this) {
            case MP3 -> new Mp3Encoder(sampleRate);
            case OPUS -> new OggOpusEncoder(sampleRate);
            case FLAC -> new FlacEncoder(sampleRate);
            case WAV -> WavEncoder.wav(sampleRate);
            case PCM -> WavEncoder.pcm();
        };
    }

    /** @throws ApiError 400 naming {@code response_format} and the formats there are */
    static AudioFormat parse(String name) {
        for (AudioFormat f : values()) {
            if (f.id.equals(name)) {
                return f;
            }
        }
        if (name.equals("aac")) {
            // no AAC encoder in Java exists on Maven Central (see docs/serving.md)
            throw ApiError.badParam("response_format", "response_format 'aac' is not supported by this server: use one of "
                    + NAMES);
        }
        throw ApiError.badParam("response_format", "unknown response_format '" + name + "': use one of " + NAMES);
    }
}

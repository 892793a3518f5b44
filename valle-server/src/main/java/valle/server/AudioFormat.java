package valle.server;

import valle.core.audio.WavFile;

/** The audio formats the speech endpoint sends: WAV (32-bit float, as {@code valle speak} writes) and raw PCM. */
enum AudioFormat {
    /** A 24 kHz mono WAV stream of 32-bit float samples; its header says "length unknown", as ffmpeg's does. */
    WAV("audio/wav", WavFile.Encoding.FLOAT32),
    /** Raw 24 kHz mono 16-bit signed little-endian samples, as OpenAI's {@code pcm}. */
    PCM("audio/pcm", WavFile.Encoding.PCM16);

    private final String mime;
    private final WavFile.Encoding encoding;

    AudioFormat(String mime, WavFile.Encoding encoding) {
        this.mime = mime;
        this.encoding = encoding;
    }

    String mime() {
        return mime;
    }

    WavFile.Encoding encoding() {
        return encoding;
    }

    /** The bytes before the first samples. */
    byte[] header(int sampleRate) {
        return this == WAV ? WavFile.streamHeader(sampleRate, encoding) : new byte[0];
    }

    static AudioFormat parse(String name) {
        return switch (name) {
            case "wav" -> WAV;
            case "pcm" -> PCM;
            // no well-kept pure-Java encoder for these exists to build on (see docs/serving.md)
            case "mp3", "opus", "aac", "flac" -> throw ApiError.badRequest("response_format '" + name
                    + "' is not supported: use 'wav' or 'pcm'");
            default -> throw ApiError.badRequest("unknown response_format '" + name + "': use 'wav' or 'pcm'");
        };
    }
}

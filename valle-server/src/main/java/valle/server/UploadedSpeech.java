package valle.server;

import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import valle.api.ModelFormatException;
import valle.api.codec.Codes;
import valle.core.Valle;
import valle.core.audio.PcmAudio;
import valle.core.audio.WavFile;
import valle.core.speech.TranscriptionSettings;

/** An uploaded recording as codes: read in memory, checked (a WAV, not empty, at most 120 s), then encoded. */
final class UploadedSpeech {
    private UploadedSpeech() {
    }

    /**
     * @throws ApiError 400 naming the file and the problem; 503 when the server has no codec to encode with
     */
    static Codes codes(Valle valle, UploadedFile file) {
        byte[] raw;
        try (InputStream in = file.content()) {
            raw = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String name = file.filename() == null ? "file" : file.filename();
        if (raw.length == 0) {
            throw ApiError.badRequest(name + ": the upload is empty");
        }
        PcmAudio audio;
        try {
            audio = WavFile.parse(raw, name);
        } catch (ModelFormatException e) {
            throw ApiError.badRequest(e.getMessage());
        }
        double seconds = (double) audio.frames() / audio.sampleRate();
        if (seconds > TranscriptionSettings.MAX_SECONDS) {
            throw ApiError.badRequest(String.format(Locale.ROOT, "%s: the speech is %.1f s long; at most %d s are taken: "
                    + "cut the recording into parts", name, seconds, TranscriptionSettings.MAX_SECONDS));
        }
        if (valle.encoder().isEmpty()) {
            throw new ApiError(503, "server_error", "this server has no codec to encode speech: start it with --codec");
        }
        try {
            return valle.voice(name, audio).codes();
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest(e.getMessage());
        }
    }
}

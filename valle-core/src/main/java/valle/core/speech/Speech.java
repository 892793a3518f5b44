package valle.core.speech;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import valle.api.Stable;
import valle.api.codec.Codes;
import valle.core.audio.WavFile;

/**
 * The speech of a whole request: its sentences' audio joined in order, as the reference's {@code inference}
 * joins them ({@code torch.concat(wavs)}: each sentence decoded on its own, no cross-fade).
 *
 * @param sentences  the request's sentences in order
 * @param sampleRate Hz (24000)
 */
@Stable(since = "0.1")
public record Speech(List<SpeechChunk> sentences, int sampleRate) {

    public Speech {
        sentences = List.copyOf(sentences);
    }

    /** All sentences' samples, one after the other. */
    public float[] samples() {
        int n = sentences.stream().mapToInt(c -> c.samples().length).sum();
        float[] out = new float[n];
        int at = 0;
        for (SpeechChunk c : sentences) {
            System.arraycopy(c.samples(), 0, out, at, c.samples().length);
            at += c.samples().length;
        }
        return out;
    }

    /** All sentences' codes {@code [T, levels]}, one after the other. */
    public Codes codes() {
        int levels = sentences.getFirst().codes().levels();
        int[] data = new int[sentences.stream().mapToInt(c -> c.codes().data().length).sum()];
        int at = 0;
        for (SpeechChunk c : sentences) {
            System.arraycopy(c.codes().data(), 0, data, at, c.codes().data().length);
            at += c.codes().data().length;
        }
        return new Codes(data.length / levels, levels, data);
    }

    /** Seconds of audio. */
    public double seconds() {
        return sentences.stream().mapToDouble(SpeechChunk::seconds).sum();
    }

    /** Compute time of codes and audio over all sentences. */
    public Duration computeTime() {
        return sentences.stream().map(c -> c.generateTime().plus(c.decodeTime())).reduce(Duration.ZERO, Duration::plus);
    }

    /** The bytes of a 32-bit float mono WAV file, as the reference's {@code torchaudio.save} writes it. */
    public byte[] wav() {
        return wav(WavFile.Encoding.FLOAT32);
    }

    /** The bytes of a mono WAV file in {@code encoding}. */
    public byte[] wav(WavFile.Encoding encoding) {
        return WavFile.encode(samples(), sampleRate, encoding);
    }

    /** Writes a mono WAV file atomically: a failure leaves nothing at {@code file}. */
    public void write(Path file, WavFile.Encoding encoding) {
        WavFile.write(file, samples(), sampleRate, encoding);
    }
}

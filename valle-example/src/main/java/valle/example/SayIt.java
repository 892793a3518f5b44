package valle.example;

import java.nio.file.Files;
import java.nio.file.Path;
import valle.core.Valle;
import valle.core.speech.Speech;
import valle.core.speech.SpeechChunk;
import valle.core.speech.SpeechListener;
import valle.core.speech.SpeechRequest;
import valle.core.speech.Voice;

/**
 * Says a text in the voice of a recording and writes a WAV file, reporting each sentence as soon as it is
 * ready (where a real app would start playing it).
 *
 * <pre>
 * java -p valle-example/target/valle-example.jar:valle-example/target/lib --enable-native-access=valle.text \
 *     -m valle.example/valle.example.SayIt MODEL CODEC VOCODER OUT.wav [PROMPT.wav|-] [TEXT]
 * </pre>
 * It prints only its own lines: valle logs its plugin choices through SLF4J at debug level, and this app binds
 * slf4j-simple at its default level (add {@code -Dorg.slf4j.simpleLogger.log.valle=debug} to see them).
 */
public final class SayIt {
    private SayIt() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: SayIt MODEL CODEC VOCODER OUT.wav [PROMPT.wav|-] [TEXT]");
            System.exit(2);
        }
        Path out = Path.of(args[3]);
        String prompt = args.length > 4 ? args[4] : "-";
        String text = args.length > 5 ? args[5] : "Hello from the JVM. This is valle speaking.";
        try (Valle tts = Valle.builder()
                .model(Path.of(args[0]))
                .codec(Path.of(args[1]))
                .vocoder(Path.of(args[2]))
                .build()) {
            Voice voice = prompt.equals("-") ? Voice.NONE : tts.voice(Path.of(prompt));
            Speech speech = tts.speak(SpeechRequest.of(text, voice), new SpeechListener() {
                @Override
                public void sentence(SpeechChunk chunk) {
                    System.out.printf("sentence %d/%d ready: %.2f s of audio (\"%s\")%n", chunk.index() + 1,
                            chunk.count(), chunk.seconds(), chunk.text());
                }
            });
            Files.write(out, speech.wav());
            System.out.printf("%.2f s of speech at %d Hz -> %s%n", speech.seconds(), speech.sampleRate(), out);
        }
    }
}

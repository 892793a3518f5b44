package valle.core.speech;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import valle.api.Experimental;

/**
 * The reference's speech tasks ({@code TTS.inference(task=…)}, its CLI's {@code --task}, its web UI's Task). At
 * 0d4329d {@code ns} (noise suppression) and {@code sr} (speech removal) run as plain text-to-speech: the check that
 * would give them their task token compares with the single string {@code "ns, sr"} and never matches
 * ({@code remaining-features.md} §2.2), so valle runs them as {@link #TTS} and says so ({@link #note()}).
 */
@Experimental("ns and sr may run their own task (the task token before the prompt, §2.2) once a model is known to have learned them")
public enum SpeechTask {
    /** Text to speech. */
    TTS,
    /** Noise suppression in the reference's name; plain text-to-speech, as the reference runs it. */
    NS,
    /** Speech removal in the reference's name; plain text-to-speech, as the reference runs it. */
    SR,
    /** Voice conversion of a source utterance ({@code Valle.convert}); NAR-len models only. */
    VC;

    /** The reference's name: {@code tts}, {@code ns}, {@code sr}, {@code vc}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the task runs as plain text-to-speech ({@link #TTS}, {@link #NS}, {@link #SR}). */
    public boolean runsAsTts() {
        return this != VC;
    }

    /** For a task run as something else ({@code ns}, {@code sr}), the line that says so; empty otherwise. */
    public Optional<String> note() {
        return this == NS || this == SR
                ? Optional.of("task " + label() + " runs plain text-to-speech, as the reference does at 0d4329d (its task check never matches)")
                : Optional.empty();
    }

    /**
     * A task by its reference name, any case.
     *
     * @throws IllegalArgumentException for another name, listing the names
     */
    public static SpeechTask parse(String name) {
        for (SpeechTask t : values()) {
            if (t.label().equalsIgnoreCase(name.strip())) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown task '" + name + "': use "
                + Arrays.stream(values()).map(SpeechTask::label).collect(Collectors.joining(", ")));
    }
}

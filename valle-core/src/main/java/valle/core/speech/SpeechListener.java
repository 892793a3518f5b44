package valle.core.speech;

import valle.core.infer.CodeGenerator;

/**
 * Observes a request as it runs, on the generating thread: the sentences as they start and finish (so an app
 * can play each before the next is made) and the stages and steps of each (for progress bars). Every method
 * has an empty default.
 */
public interface SpeechListener extends CodeGenerator.Progress {

    /** Sentence {@code index} of {@code count} starts. */
    default void sentenceStarted(int index, int count, String text) {
    }

    /** A sentence is generated and decoded. */
    default void sentence(SpeechChunk chunk) {
    }

    @Override
    default void stage(String what) {
    }

    /** Listens to nothing. */
    SpeechListener NONE = new SpeechListener() { };
}

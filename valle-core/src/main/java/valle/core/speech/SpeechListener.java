package valle.core.speech;

import valle.api.Stable;


/**
 * Observes a request as it runs, on the generating thread: the sentences as they start and finish (so an app
 * can play each before the next is made) and the stages and steps of each (for progress bars). Every method
 * has an empty default.
 */
@Stable(since = "0.1")
public interface SpeechListener extends Progress {

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

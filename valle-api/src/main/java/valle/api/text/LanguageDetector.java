package valle.api.text;

import valle.api.Experimental;
import valle.api.plugin.Plugin;

/**
 * A language-detection plugin ({@code langdetect}): the language of one sentence of plain text, for the reference's
 * {@code language="auto"} ({@code detect_language} of e-c-k-e-r/vall-e, which calls the {@code langdetect} package).
 * Detection is random in the reference; here the caller's seed fixes it, so one seed always gives one answer.
 * Thread-safe.
 */
@Experimental("added with language=auto; the result may grow probabilities")
public interface LanguageDetector extends Plugin {

    /**
     * The language of {@code text} as the detector names it ({@code en}, {@code de}, {@code zh-cn}, {@code so}, ...:
     * langdetect's codes, which a phonemizer may not know).
     *
     * @param seed fixes the detector's random choices (the reference's {@code DetectorFactory.seed})
     * @throws IllegalArgumentException when the text has nothing to detect a language from (no letters), saying so
     */
    String detect(String text, long seed);
}

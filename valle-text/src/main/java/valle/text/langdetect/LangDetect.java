package valle.text.langdetect;

import java.util.List;
import valle.api.plugin.Availability;
import valle.api.text.LanguageDetector;
import valle.kit.plugin.DescribedPlugin;

/**
 * The {@code langdetect} language detector: a port of the Python {@code langdetect} 1.0.9 (itself a port of Cybozu
 * Labs' Java language-detection, Apache-2.0) with its 55 bundled profiles, drawing its random choices from CPython's
 * generator, so a seed gives the Python package's answer for that seed exactly. The profiles load on first use
 * (about 50 MB of heap).
 */
public final class LangDetect extends DescribedPlugin implements LanguageDetector {

    private static final class Tables {
        static final LanguageProfiles PROFILES = LanguageProfiles.load();
        static final Normalization NORMALIZATION = Normalization.load();
    }

    /** Cheap, as {@link java.util.ServiceLoader} requires: the profiles load on first use. */
    public LangDetect() {
        super("langdetect", 10, "langdetect 1.0.9's algorithm and 55 language profiles, seeded like CPython's random");
    }

    @Override
    public Availability availability() {
        return Availability.yes();
    }

    /**
     * @throws IllegalArgumentException when the text has no n-gram any profile knows, or no language reaches
     *                                  langdetect's reporting threshold of 0.1
     */
    @Override
    public String detect(String text, long seed) {
        List<Detection.Probability> found = probabilities(text, seed);
        if (found.isEmpty()) {
            throw new IllegalArgumentException("language detection could not tell the language of \"" + text
                    + "\" (no language above 0.1): pass the language instead of auto");
        }
        return found.getFirst().language();
    }

    /** Every language above 0.1, most probable first. */
    List<Detection.Probability> probabilities(String text, long seed) {
        return Detection.probabilities(text, seed, Tables.PROFILES, Tables.NORMALIZATION);
    }
}

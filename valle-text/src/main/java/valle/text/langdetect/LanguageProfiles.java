package valle.text.langdetect;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import valle.kit.io.Json;

/**
 * langdetect's 55 language profiles (from Cybozu Labs' language-detection, bundled beside this class under
 * {@code profiles/}) as its {@code DetectorFactory.add_profile} arranges them: for each n-gram of one to three
 * characters, its frequency in each language divided by that language's count of n-grams of its length.
 */
final class LanguageProfiles {
    /**
     * The order langdetect 1.0.9 loaded the profiles in when the goldens were recorded (a directory listing,
     * {@code langdetect_profile_order} of oracle/text-more); it only breaks exact ties between languages.
     */
    static final List<String> ORDER = List.of("pl", "gu", "zh-tw", "fi", "af", "ne", "ro", "da", "hr", "de", "pa",
            "en", "fa", "ca", "so", "ja", "ko", "es", "cs", "ru", "vi", "uk", "bn", "fr", "kn", "hu", "te", "lv", "sk",
            "sl", "el", "id", "it", "bg", "ta", "he", "sq", "hi", "th", "tr", "ml", "mk", "pt", "tl", "mr", "sv", "et",
            "nl", "sw", "cy", "no", "ur", "lt", "ar", "zh-cn");

    private final Map<String, double[]> probabilities;

    private LanguageProfiles(Map<String, double[]> probabilities) {
        this.probabilities = probabilities;
    }

    static LanguageProfiles load() {
        Map<String, double[]> probabilities = new HashMap<>(1 << 18);
        for (int index = 0; index < ORDER.size(); index++) {
            String language = ORDER.get(index);
            Map<String, Object> profile = Json.parseObject(read("profiles/" + language), "langdetect profile " + language);
            if (!language.equals(profile.get("name"))) {
                throw new IllegalStateException("langdetect profile " + language + " names " + profile.get("name"));
            }
            List<?> counts = (List<?>) profile.get("n_words");
            Map<?, ?> freq = (Map<?, ?>) profile.get("freq");
            for (Map.Entry<?, ?> e : freq.entrySet()) {
                String word = (String) e.getKey();
                double[] p = probabilities.computeIfAbsent(word, w -> new double[ORDER.size()]);
                int length = word.codePointCount(0, word.length());
                if (length >= 1 && length <= 3) {
                    p[index] = ((Number) e.getValue()).doubleValue() / ((Number) counts.get(length - 1)).doubleValue();
                }
            }
        }
        return new LanguageProfiles(probabilities);
    }

    private static String read(String resource) {
        try (InputStream in = LanguageProfiles.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the valle-text jar lacks langdetect's " + resource + ": rebuild it");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read langdetect's " + resource, e);
        }
    }

    /** The n-gram's probability in each language of {@link #ORDER}, or null when no profile has it. */
    double[] of(String ngram) {
        return probabilities.get(ngram);
    }

    int languages() {
        return ORDER.size();
    }
}

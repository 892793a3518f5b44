package valle.text.langdetect;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * langdetect 1.0.9's {@code Detector} ({@code langdetect/detector.py}) for one text: URLs and e-mail addresses
 * blanked, Vietnamese tone marks composed, runs of spaces collapsed, Latin letters dropped from text that is mostly
 * non-Latin, the n-grams of one to three normalised characters that some profile knows collected; then seven
 * trials, each drawing n-grams at random and multiplying every language's probability by the n-gram's (smoothed
 * by an {@code alpha} jittered with a Gaussian) until one language passes 0.99999 or 1,000 draws are made; the
 * trials' results are averaged. The draws come from {@link PythonRandom} seeded with the caller's seed, so a seed
 * gives what {@code DetectorFactory.seed = seed} gives in Python.
 */
final class Detection {
    static final int TRIALS = 7;
    static final double ALPHA = 0.5;
    static final double ALPHA_WIDTH = 0.05;
    static final int ITERATION_LIMIT = 1000;
    static final double CONVERGED = 0.99999;
    static final double BASE_FREQ = 10000;
    static final double REPORTED = 0.1;
    static final int MAX_TEXT_LENGTH = 10000;

    private static final Pattern URL = Pattern.compile("https?://[-_.?&~;+=/#0-9A-Za-z]{1,2076}");
    private static final Pattern MAIL = Pattern.compile("[-_.0-9A-Za-z]{1,64}@[-_0-9A-Za-z]{1,255}[-_.0-9A-Za-z]{1,255}");

    /** One language and its probability. */
    record Probability(String language, double probability) {
    }

    private Detection() {
    }

    /**
     * The languages above 0.1, most probable first (ties in profile order), as {@code get_probabilities} returns
     * them; empty when none is.
     *
     * @throws IllegalArgumentException when the text has no n-gram any profile knows (langdetect's
     *                                  "No features in text.")
     */
    static List<Probability> probabilities(String text, long seed, LanguageProfiles profiles, Normalization norm) {
        List<String> ngrams = ngrams(cleaned(prepared(text, norm)), profiles, norm);
        if (ngrams.isEmpty()) {
            throw new IllegalArgumentException("language detection found nothing to go on in \"" + text
                    + "\" (no letters a language profile knows; langdetect: \"No features in text.\"): pass the"
                    + " language instead of auto");
        }
        int languages = profiles.languages();
        double[] total = new double[languages];
        PythonRandom random = new PythonRandom(seed);
        for (int t = 0; t < TRIALS; t++) {
            double[] prob = new double[languages];
            java.util.Arrays.fill(prob, 1.0 / languages);
            double alpha = ALPHA + random.gauss() * ALPHA_WIDTH;
            for (int i = 0; ; i++) {
                update(prob, profiles.of(ngrams.get(random.choiceIndex(ngrams.size()))), alpha);
                if (i % 5 == 0 && (normalize(prob) > CONVERGED || i >= ITERATION_LIMIT)) {
                    break;
                }
            }
            for (int j = 0; j < languages; j++) {
                total[j] += prob[j] / TRIALS;
            }
        }
        List<Probability> out = new ArrayList<>();
        for (int j = 0; j < languages; j++) {
            if (total[j] > REPORTED) {
                out.add(new Probability(LanguageProfiles.ORDER.get(j), total[j]));
            }
        }
        out.sort(Comparator.comparingDouble(Probability::probability).reversed()); // stable, as Python's sort
        return out;
    }

    /** {@code Detector.append}: URLs and e-mail addresses blanked, Vietnamese composed, double spaces collapsed. */
    private static int[] prepared(String text, Normalization norm) {
        String t = MAIL.matcher(URL.matcher(text).replaceAll(" ")).replaceAll(" ");
        int[] cps = norm.normalizeVietnamese(t).codePoints().toArray();
        int n = Math.min(cps.length, MAX_TEXT_LENGTH);
        int[] out = new int[n];
        int length = 0;
        int previous = 0;
        for (int i = 0; i < n; i++) {
            if (cps[i] != ' ' || previous != ' ') {
                out[length++] = cps[i];
            }
            previous = cps[i];
        }
        return java.util.Arrays.copyOf(out, length);
    }

    /** {@code Detector.cleaning_text}: text with more than twice as many non-Latin as Latin letters loses its Latin ones. */
    private static int[] cleaned(int[] text) {
        int latin = 0;
        int nonLatin = 0;
        for (int c : text) {
            if (c >= 'A' && c <= 'z') {
                latin++;
            } else if (c >= 0x300 && !Normalization.isLatinExtendedAdditional(c)) {
                nonLatin++;
            }
        }
        if (latin * 2 >= nonLatin) {
            return text;
        }
        return java.util.Arrays.stream(text).filter(c -> c < 'A' || c > 'z').toArray();
    }

    /** {@code Detector._extract_ngrams} with {@code NGram.add_char}'s buffer of the last three characters. */
    private static List<String> ngrams(int[] text, LanguageProfiles profiles, Normalization norm) {
        List<String> out = new ArrayList<>();
        int[] grams = new int[3];
        int length = 1;
        grams[0] = ' ';
        boolean capitalWord = false;
        for (int raw : text) {
            int c = norm.normalize(raw);
            int last = grams[length - 1];
            if (last == ' ') {
                grams[0] = ' ';
                length = 1;
                capitalWord = false;
                if (c == ' ') {
                    continue;
                }
            } else if (length >= 3) {
                grams[0] = grams[1];
                grams[1] = grams[2];
                length = 2;
            }
            grams[length++] = c;
            if (Character.isUpperCase(c)) {
                if (Character.isUpperCase(last)) {
                    capitalWord = true;
                }
            } else {
                capitalWord = false;
            }
            if (capitalWord) {
                continue;
            }
            for (int n = 1; n <= 3 && n <= length; n++) {
                String w = new String(grams, length - n, n);
                if (!w.equals(" ") && profiles.of(w) != null) {
                    out.add(w);
                }
            }
        }
        return out;
    }

    private static void update(double[] prob, double[] word, double alpha) {
        if (word == null) {
            return;
        }
        double weight = alpha / BASE_FREQ;
        for (int i = 0; i < prob.length; i++) {
            prob[i] *= weight + word[i];
        }
    }

    /** {@code Detector._normalize_prob}: scales to a sum of one (summed left to right) and returns the largest. */
    private static double normalize(double[] prob) {
        double sum = 0;
        for (double p : prob) {
            sum += p;
        }
        double max = 0;
        for (int i = 0; i < prob.length; i++) {
            double p = prob[i] / sum;
            if (max < p) {
                max = p;
            }
            prob[i] = p;
        }
        return max;
    }
}

package valle.api.text;

import valle.api.Stable;
import valle.api.plugin.Availability;
import valle.api.plugin.Plugin;

/**
 * A text-to-phonemes plugin ({@code espeak}): turns one sentence of plain text into the phoneme string the
 * reference would feed its tokenizer ({@code g2p.encode} of e-c-k-e-r/vall-e), e.g.
 * {@code "Hello, world."} in {@code en} to {@code "həlˈoʊ, wˈɜːld."}.
 *
 * <p>Languages are the caller's codes as the reference takes them ({@code en}, {@code de}, {@code fr},
 * {@code zh}, {@code ja}, {@code ko}, ...); mapping them to the backend's own codes is the plugin's job.
 * Thread-safe from the caller's side: a plugin whose backend has global state serialises its calls itself.
 * Splitting long text into sentences and the reference's raw-text precheck happen before a plugin is called.
 */
@Stable(since = "0.1")
public interface Phonemizer extends Plugin {

    /**
     * Whether this plugin can phonemize {@code language}; when not, why and what to use instead. Cheap after
     * the first call; never throws.
     */
    Availability supports(String language);

    /**
     * The phonemes of {@code text} in {@code language}.
     *
     * @throws IllegalArgumentException when the language is not {@linkplain #supports supported} or the text
     *                                  holds something the plugin cannot read, saying what and what to do
     * @throws valle.api.ValleException when the backend fails or cannot be loaded
     */
    String phonemize(String text, String language);
}

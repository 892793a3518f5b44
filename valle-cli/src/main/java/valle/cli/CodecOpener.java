package valle.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import valle.api.codec.AudioCodec;
import valle.api.codec.Codec;
import valle.core.Valle;
import valle.core.plugin.CodecRole;

/**
 * Chooses a codec for a role ({@code --codec}, else {@code -Dvalle.codec}, else {@code VALLE_CODEC}, else
 * {@code auto}: the best codec that can encode, or decode) and opens it from its weights: {@code --weights},
 * else {@code -Dvalle.<codec>.weights}, else {@code VALLE_<CODEC>_WEIGHTS}, else the bundled tiny ones
 * ({@link BundledDefaults}). The weights are the files users download; nothing is fetched.
 */
final class CodecOpener {
    private CodecOpener() {
    }

    static Codec choose(Valle valle, CodecRole role, String name) {
        return role.choose(valle.plugins().codecs(), name);
    }

    /**
     * Opens {@code codec} from {@code weights}, else its configured weights, else the bundled ones (saying so on
     * {@code notices}), as {@link BundledDefaults} rules.
     */
    static AudioCodec open(Codec codec, Path weights, PrintWriter notices) {
        Path named = weightsOrNull(codec, weights, null);
        if (named != null) {
            return codec.open(named);
        }
        BundledDefaults bundled = BundledDefaults.locate();
        Path fallback = bundled.weightsOf(codec);
        if (fallback == null) {
            throw noWeights(codec, "--weights");
        }
        bundled.announce(notices);
        return codec.open(fallback);
    }

    /**
     * The weights {@code codec} opens from: {@code given}, else {@code -Dvalle.<codec>.weights} or
     * {@code VALLE_<CODEC>_WEIGHTS}, else those of {@code bundled} (when the bundle is in use, else {@code null}),
     * else {@code null}.
     */
    static Path weightsOrNull(Codec codec, Path given, BundledDefaults bundled) {
        if (given != null) {
            return given;
        }
        Path configured = configuredWeightsOrNull(codec);
        return configured != null || bundled == null ? configured : bundled.weightsOf(codec);
    }

    /**
     * The error for a codec whose weights are named nowhere.
     *
     * @param flag the option that would name them
     */
    static IllegalArgumentException noWeights(Codec codec, String flag) {
        return new IllegalArgumentException("no weights for the " + codec.name() + " codec: pass " + flag + " PATH, "
                + "or set -D" + propertyKey(codec.name()) + " or " + environmentName(codec.name()) + " (" + codec.description() + ")");
    }

    /** The weights configured for {@code codec} by {@code -Dvalle.<codec>.weights} or {@code VALLE_<CODEC>_WEIGHTS}, or {@code null}. */
    static Path configuredWeightsOrNull(Codec codec) {
        String location = Setting.lookup(propertyKey(codec.name()), environmentName(codec.name()));
        return location == null ? null : Path.of(location);
    }

    /** The system property that names the weights of the codec called {@code codec}. */
    static String propertyKey(String codec) {
        return "valle." + codec + ".weights";
    }

    /** The environment variable that names the weights of the codec called {@code codec}. */
    static String environmentName(String codec) {
        return "VALLE_" + codec.toUpperCase(Locale.ROOT).replace('-', '_') + "_WEIGHTS";
    }
}

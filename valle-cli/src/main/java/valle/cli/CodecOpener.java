package valle.cli;

import java.nio.file.Path;
import java.util.Locale;
import valle.api.codec.AudioCodec;
import valle.api.codec.Codec;
import valle.core.Valle;
import valle.core.plugin.CodecRole;

/**
 * Chooses a codec for a role ({@code --codec}, else {@code -Dvalle.codec}, else {@code VALLE_CODEC}, else
 * {@code auto}: the best codec that can encode, or decode) and opens it from its weights: {@code --weights},
 * else {@code -Dvalle.<codec>.weights}, else {@code VALLE_<CODEC>_WEIGHTS}. The weights are the files users
 * download; nothing is fetched.
 */
final class CodecOpener {
    private CodecOpener() {
    }

    static Codec choose(Valle valle, CodecRole role, String name) {
        return role.choose(valle.plugins().codecs(), name);
    }

    static AudioCodec open(Codec codec, Path weights) {
        return codec.open(weights != null ? weights : configuredWeights(codec, "--weights"));
    }

    /**
     * The weights configured for {@code codec} by property or environment.
     *
     * @param flag the option that would give them, named in the error when there are none
     */
    static Path configuredWeights(Codec codec, String flag) {
        Path location = configuredWeightsOrNull(codec);
        if (location == null) {
            throw new IllegalArgumentException("no weights for the " + codec.name() + " codec: pass " + flag + " PATH, "
                    + "or set -D" + propertyKey(codec.name()) + " or " + environmentName(codec.name()) + " (" + codec.description() + ")");
        }
        return location;
    }

    /** The weights configured for {@code codec} by {@code -Dvalle.<codec>.weights} or {@code VALLE_<CODEC>_WEIGHTS}, or {@code null}. */
    static Path configuredWeightsOrNull(Codec codec) {
        String location = System.getProperty(propertyKey(codec.name()));
        if (location == null || location.isBlank()) {
            location = System.getenv(environmentName(codec.name()));
        }
        return location == null || location.isBlank() ? null : Path.of(location);
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

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
        return codec.open(weights != null ? weights : configuredWeights(codec));
    }

    private static Path configuredWeights(Codec codec) {
        String key = "valle." + codec.name() + ".weights";
        String env = "VALLE_" + codec.name().toUpperCase(Locale.ROOT).replace('-', '_') + "_WEIGHTS";
        String location = System.getProperty(key);
        if (location == null || location.isBlank()) {
            location = System.getenv(env);
        }
        if (location == null || location.isBlank()) {
            throw new IllegalArgumentException("no weights for the " + codec.name() + " codec: pass --weights PATH, "
                    + "or set -D" + key + " or " + env + " (" + codec.description() + ")");
        }
        return Path.of(location);
    }
}

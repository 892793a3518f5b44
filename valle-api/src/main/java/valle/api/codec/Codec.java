package valle.api.codec;

import java.nio.file.Path;
import valle.api.Experimental;
import valle.api.Stable;
import valle.api.plugin.Plugin;

/**
 * A codec plugin ({@code encodec}, {@code vocos}): loads an {@link AudioCodec} from published weight files.
 * Under {@code auto}, a request to encode goes to the available codec of highest priority that
 * {@linkplain #canEncode() encodes}, a request to decode to the one that {@linkplain #canDecode() decodes}.
 */
@Stable(since = "0.1")
public interface Codec extends Plugin {

    /** Whether its codecs turn PCM into codes. */
    boolean canEncode();

    /** Whether its codecs turn codes into PCM. */
    boolean canDecode();

    /**
     * Loads the codec from a weight file or a folder of them (the plugin's description says which).
     *
     * @throws valle.api.ModelFormatException naming the file and the problem when the files are missing,
     *                                        truncated, malformed or of another model
     */
    AudioCodec open(Path location);

    /**
     * A codec of the published model's size with random weights, for benchmarks: same arithmetic, meaningless
     * sound. Deterministic for a seed.
     *
     * @throws UnsupportedOperationException when the plugin cannot make one
     */
    @Experimental("a helper for benchmarks")
    default AudioCodec openRandom(long seed) {
        throw new UnsupportedOperationException("codec '" + name() + "' cannot make random weights");
    }
}

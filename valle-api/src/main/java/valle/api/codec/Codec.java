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

    /**
     * Reads the weight files {@link #open} reads, checked the same way, as named tensors and settings for a
     * backend that runs this codec's network on another runtime (see {@link CodecWeights}).
     *
     * @throws valle.api.ModelFormatException as {@link #open} does
     * @throws UnsupportedOperationException when the plugin does not hand out its weights
     */
    @Experimental("added for the ONNX Runtime codecs")
    default CodecWeights readWeights(Path location) {
        throw new UnsupportedOperationException("codec '" + name() + "' does not hand out its weights");
    }

    /**
     * As {@link #readWeights} for the published model's shapes with random weights ({@link #openRandom}'s
     * draws for the same seed), for benchmarks of another backend.
     *
     * @throws UnsupportedOperationException when the plugin cannot make them
     */
    @Experimental("added for the ONNX Runtime codecs")
    default CodecWeights randomWeights(long seed) {
        throw new UnsupportedOperationException("codec '" + name() + "' cannot make random weights");
    }
}

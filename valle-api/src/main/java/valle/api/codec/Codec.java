package valle.api.codec;

import java.nio.file.Path;
import valle.api.Stable;
import valle.api.plugin.Plugin;

/** A codec plugin ({@code encodec}, {@code vocos}): loads an {@link AudioCodec} from published weight files. */
@Stable(since = "0.1")
public interface Codec extends Plugin {

    boolean canEncode();

    boolean canDecode();

    /**
     * Loads the codec from a weight file or a folder of them.
     *
     * @throws valle.api.ModelFormatException when the files are missing, malformed or of another codec
     */
    AudioCodec open(Path location);
}

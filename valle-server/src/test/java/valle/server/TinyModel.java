package valle.server;

import java.nio.file.Path;
import valle.core.Valle;

/** The tiny golden model and codecs of the conformance kit, which the server's tests serve. */
final class TinyModel {
    static final Path GOLDEN = Path.of("..", "valle-tck", "golden");
    static final Path PROMPT = GOLDEN.resolve("codec/golden/prompt_16k_stereo/prompt_16k_stereo.wav");
    /** Phonemes pass the front end as they are, so the tests need no espeak-ng. */
    static final String TWO_SENTENCES = "həlˈoʊ wˈɜːld. hˈaʊ ɑːɹ juː?";

    private TinyModel() {
    }

    static Valle open() {
        return builder().build();
    }

    /** The tiny model served through a continuous-batching scheduler of {@code slots} slots. */
    static Valle open(int slots) {
        return builder().slots(slots).build();
    }

    private static Valle.Builder builder() {
        return Valle.builder().model(GOLDEN.resolve("ar_nar_len/model.sft"))
                .codec(GOLDEN.resolve("codec/weights/encodec_hf"))
                .vocoder(GOLDEN.resolve("codec/weights/vocos"));
    }
}

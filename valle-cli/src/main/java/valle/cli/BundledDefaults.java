package valle.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import valle.api.codec.Codec;

/**
 * The tiny random model and codecs that ship with the repository (the conformance kit's golden fixtures), so
 * that {@code valle speak}, {@code serve}, {@code encode}, {@code decode} and {@code check} run before a user has
 * downloaded anything. Their output is noise: the weights are random. Found under {@code -Dvalle.golden} (set by
 * the {@code ./valle} launcher).
 *
 * <p>The one rule every command follows: the bundle stands in for what the user did not name, and only when no
 * model was named ({@code speak} and {@code serve} without {@code --model}; {@code encode} and {@code decode}
 * have no model, so there it is when their codec's weights are named nowhere). A named real model never gets
 * random codecs filled in: that would turn its codes into noise without a word.
 */
record BundledDefaults(Path model, Path codec, Path vocoder) {

    static final String NOTICE = "valle: no model files given: using the bundled tiny random model and codecs (the"
            + " output is noise). For real speech download ar+nar-len-llama-8.sft (huggingface.co/ecker/vall-e),"
            + " facebook/encodec_24khz and charactr/vocos-encodec-24khz, then pass --model, --codec and --vocoder"
            + " (encode and decode: --weights), or set VALLE_ENCODEC_WEIGHTS and VALLE_VOCOS_WEIGHTS.";

    /**
     * The bundled files.
     *
     * @throws IllegalStateException naming what is missing and what to pass instead
     */
    static BundledDefaults locate() {
        String golden = System.getProperty("valle.golden");
        if (golden == null || golden.isBlank()) {
            throw new IllegalStateException("no model files given and the bundled defaults are unknown here (run"
                    + " through ./valle, or pass -Dvalle.golden=<repo>/valle-tck/golden, or name the files: --model,"
                    + " --codec, --vocoder; --weights for encode and decode)");
        }
        Path root = Path.of(golden);
        BundledDefaults d = new BundledDefaults(root.resolve("ar_nar_len/model.sft"),
                root.resolve("codec/weights/encodec_hf"), root.resolve("codec/weights/vocos"));
        for (Path p : new Path[] {d.model, d.codec, d.vocoder}) {
            if (!Files.exists(p)) {
                throw new IllegalStateException("no model files given and the bundled default " + p + " is missing;"
                        + " name the files: --model, --codec, --vocoder; --weights for encode and decode");
            }
        }
        return d;
    }

    /** Says, on {@code notices}, that the bundle is in use: the one notice every command prints for it. */
    void announce(PrintWriter notices) {
        notices.println(NOTICE);
        notices.flush();
    }

    /** The bundled weights of {@code c}, or {@code null} when none ship for it. */
    Path weightsOf(Codec c) {
        return switch (c.name()) {
            case "encodec" -> codec;
            case "vocos" -> vocoder;
            default -> null;
        };
    }
}

package valle.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The tiny random model and codecs that ship with the repository (the conformance kit's golden fixtures), so
 * that {@code valle speak} runs the whole pipeline before a user has downloaded anything. Their output is noise:
 * the weights are random. Found under {@code -Dvalle.golden} (set by the {@code ./valle} launcher).
 */
record BundledDefaults(Path model, Path codec, Path vocoder) {

    static final String NOTICE = "valle: no --model given: using the bundled tiny random model and codecs (the output"
            + " is noise). For real speech download ar+nar-len-llama-8.sft (huggingface.co/ecker/vall-e),"
            + " facebook/encodec_24khz and charactr/vocos-encodec-24khz, then pass --model, --codec and --vocoder.";

    /**
     * The bundled files.
     *
     * @throws IllegalStateException naming what is missing and what to pass instead
     */
    static BundledDefaults locate() {
        String golden = System.getProperty("valle.golden");
        if (golden == null || golden.isBlank()) {
            throw new IllegalStateException("no --model given and the bundled default model is unknown here (run through"
                    + " ./valle, or pass -Dvalle.golden=<repo>/valle-tck/golden, or pass --model)");
        }
        Path root = Path.of(golden);
        BundledDefaults d = new BundledDefaults(root.resolve("ar_nar_len/model.sft"),
                root.resolve("codec/weights/encodec_hf"), root.resolve("codec/weights/vocos"));
        for (Path p : new Path[] {d.model, d.codec, d.vocoder}) {
            if (!Files.exists(p)) {
                throw new IllegalStateException("no --model given and the bundled default " + p + " is missing; pass --model,"
                        + " --codec and --vocoder");
            }
        }
        return d;
    }
}

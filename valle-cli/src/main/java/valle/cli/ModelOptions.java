package valle.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import valle.api.codec.Codec;
import valle.api.tensor.WeightFormat;
import valle.core.Valle;
import valle.core.plugin.CodecRole;
import valle.core.plugin.Plugins;

/**
 * What speech is made with: the checkpoint, the codec that encodes prompts, the vocoder and the plugins. Without
 * {@code --model} the bundled tiny random model is used, and the bundled codecs for those whose weights are named
 * nowhere (and the user is told the output is noise); see {@link BundledDefaults}.
 */
final class ModelOptions {

    @Option(names = "--model", paramLabel = "PATH", description = "Checkpoint (.sft) or a folder holding one (default: the bundled tiny model).")
    Path model;

    @Option(names = "--lora", paramLabel = "FILE", description = "A LoRA adapter (lora.sft) to load with the model.")
    Path lora;

    @Option(names = "--lora-merge", description = "Merge the LoRA into the weights at load instead of applying it on the fly.")
    boolean loraMerge;

    @Option(names = "--codec", paramLabel = "PATH",
            description = "EnCodec 24 kHz weights that encode prompts: the facebook/encodec_24khz folder or encodec_24khz-*.th (default: -Dvalle.encodec.weights, VALLE_ENCODEC_WEIGHTS; without --model, the bundled tiny ones).")
    Path codec;

    @Option(names = "--codec-type", paramLabel = "NAME", description = "Codec plugin that encodes (default: auto, encodec).")
    String codecType;

    @Option(names = "--vocoder", paramLabel = "PATH",
            description = "Weights that turn codes into audio: the charactr/vocos-encodec-24khz folder, or EnCodec weights with --vocoder-type encodec (default: -Dvalle.vocos.weights, VALLE_VOCOS_WEIGHTS; without --model, the bundled tiny ones).")
    Path vocoder;

    @Option(names = "--vocoder-type", paramLabel = "NAME", description = "Codec plugin that decodes: vocos or encodec (default: auto, vocos).")
    String vocoderType;

    @Option(names = "--arch", description = "Arch plugin (default: auto).")
    String arch;

    @Option(names = "--attention", description = "Attention kernel of the java backbones (default: auto).")
    String attention;

    @Mixin
    BackendOption backend;

    @Option(names = "--weight-dtype", paramLabel = "FORMAT",
            description = "How the backbone's linear layers are stored: file (each tensor's dtype), f32, bf16, f16, int8 or int4; int8/int4 are quantised at load and change the output (default: -Dvalle.weights, VALLE_WEIGHTS, else file).")
    String weightDtype;

    @Option(names = "--phonemizer", description = "Phonemizer plugin (default: auto).")
    String phonemizer;

    @Option(names = "--detected-lang-token",
            description = "With --lang auto: give each sentence the language token of the language detected for it (zh-cn, zh-tw and languages without a token get 0). "
                    + "By default auto gets token 0 (English) whatever is detected, as the reference's inference() does.")
    boolean detectedLangToken;

    private WeightFormat weightFormat() {
        try {
            return WeightFormat.parseChoice(weightDtype).orElse(null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--weight-dtype: " + e.getMessage());
        }
    }

    /** The checkpoint in use: {@code --model}, or the bundled one once {@link #open} ran. */
    Path modelPath;

    /**
     * Loads what is asked for. Codecs without weights are reported after the model loads, so that a bad model
     * is named first.
     *
     * @param needsCodec   whether prompts are to be encoded from audio
     * @param needsVocoder whether codes are to be turned into audio
     * @param notices      where the bundled-model notice goes
     */
    Valle open(boolean needsCodec, boolean needsVocoder, PrintWriter notices) {
        return open(needsCodec, needsVocoder, notices, 0);
    }

    /** As {@link #open(boolean, boolean, PrintWriter)}, serving through a scheduler of {@code slots} slots (0: none). */
    Valle open(boolean needsCodec, boolean needsVocoder, PrintWriter notices, int slots) {
        modelPath = model;
        BundledDefaults bundled = null;
        if (model == null) {
            bundled = BundledDefaults.locate();
            bundled.announce(notices);
            modelPath = bundled.model();
        }
        Valle.Builder builder = Valle.builder().model(modelPath).arch(arch).attention(attention).phonemizer(phonemizer)
                .backend(backend.name).weights(weightFormat()).detectedLanguageToken(detectedLangToken);
        if (lora != null) {
            builder.lora(lora, loraMerge);
        } else if (loraMerge) {
            throw new IllegalArgumentException("--lora-merge needs --lora FILE");
        }
        Plugins plugins = needsCodec || needsVocoder ? Plugins.discover() : null;
        Codec encoder = needsCodec ? CodecRole.ENCODE.choose(plugins.codecs(), codecType) : null;
        Codec decoder = needsVocoder ? CodecRole.DECODE.choose(plugins.codecs(), vocoderType) : null;
        Path encoderWeights = encoder == null ? null : CodecOpener.weightsOrNull(encoder, codec, bundled);
        Path decoderWeights = decoder == null ? null : CodecOpener.weightsOrNull(decoder, vocoder, bundled);
        if (encoderWeights != null) {
            builder.codec(encoder.name(), encoderWeights);
        }
        if (decoderWeights != null) {
            builder.vocoder(decoder.name(), decoderWeights);
        }
        if (slots > 0) {
            builder.slots(slots);
        }
        Valle valle = builder.build();
        try {
            if (encoder != null && encoderWeights == null) {
                throw CodecOpener.noWeights(encoder, "--codec");
            }
            if (decoder != null && decoderWeights == null) {
                throw CodecOpener.noWeights(decoder, "--vocoder");
            }
        } catch (RuntimeException e) {
            valle.close();
            throw e;
        }
        return valle;
    }
}

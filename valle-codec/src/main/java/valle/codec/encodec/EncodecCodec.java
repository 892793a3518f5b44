package valle.codec.encodec;

import java.nio.file.Path;
import valle.api.codec.AudioCodec;
import valle.api.codec.Codec;
import valle.api.codec.CodecWeights;
import valle.kit.plugin.DescribedPlugin;

/**
 * The {@code encodec} codec plugin: EnCodec 24 kHz, encoding and decoding, in plain Java. It is the only codec
 * that encodes, so {@code auto} picks it for prompts; for decoding it ranks below {@code vocos}, as vall-e's
 * default audio backend does.
 */
public final class EncodecCodec extends DescribedPlugin implements Codec {

    /** The plugin, as the service loader makes it. */
    public EncodecCodec() {
        super("encodec", 10, "EnCodec 24 kHz encoder + RVQ + decoder; weights: HF facebook/encodec_24khz folder "
                + "(config.json + model.safetensors) or encodec_24khz-d7cc33bc.th");
    }

    @Override
    public boolean canEncode() {
        return true;
    }

    @Override
    public boolean canDecode() {
        return true;
    }

    @Override
    public AudioCodec open(Path location) {
        return EncodecModel.open(location);
    }

    /**
     * The tensors under the HF names ({@code encoder.layers.N.conv.weight} with weight norm folded,
     * {@code ...lstm.weight_ih_l0}, {@code quantizer.layers.i.codebook.embed}) and {@code EncodecConfig}'s settings.
     */
    @Override
    public CodecWeights readWeights(Path location) {
        return EncodecModel.readWeights(location);
    }

    @Override
    public CodecWeights randomWeights(long seed) {
        return EncodecModel.randomWeights(EncodecConfig.published24khz(), seed);
    }

    /** The published 24 kHz model's shapes (n_filters 32, dimension 128, 32 codebooks of 1024) with random weights. */
    @Override
    public AudioCodec openRandom(long seed) {
        return EncodecModel.random(EncodecConfig.published24khz(), seed);
    }
}

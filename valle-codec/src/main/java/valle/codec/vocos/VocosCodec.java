package valle.codec.vocos;

import java.nio.file.Path;
import valle.api.codec.AudioCodec;
import valle.api.codec.Codec;
import valle.api.codec.CodecWeights;
import valle.kit.plugin.DescribedPlugin;

/**
 * The {@code vocos} codec plugin: Vocos on EnCodec codes ({@code charactr/vocos-encodec-24khz}), decode only.
 * vall-e's default audio backend, so {@code auto} prefers it for decoding over {@code encodec}.
 */
public final class VocosCodec extends DescribedPlugin implements Codec {

    /** The plugin, as the service loader makes it. */
    public VocosCodec() {
        super("vocos", 20, "Vocos decoder of EnCodec 24 kHz codes; weights: hub folder charactr/vocos-encodec-24khz "
                + "(config.yaml + pytorch_model.bin or model.safetensors)");
    }

    @Override
    public boolean canEncode() {
        return false;
    }

    @Override
    public boolean canDecode() {
        return true;
    }

    @Override
    public AudioCodec open(Path location) {
        return VocosModel.open(location);
    }

    /** The tensors under the original names (as {@code pytorch_model.bin} has them) and {@link VocosConfig}'s settings. */
    @Override
    public CodecWeights readWeights(Path location) {
        return VocosModel.readWeights(location);
    }

    @Override
    public CodecWeights randomWeights(long seed) {
        return VocosModel.randomWeights(seed);
    }

    /** The published model's shapes (dim 384, 8 blocks, 16 codebooks of 1024 × 128) with random weights. */
    @Override
    public AudioCodec openRandom(long seed) {
        return VocosModel.random(seed);
    }
}

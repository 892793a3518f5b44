package valle.backend.onnx;

import valle.api.codec.AudioCodec;
import valle.api.codec.CodecWeights;

/** The {@code vocos} codec on ONNX Runtime: Vocos' backbone and ISTFT head as one ONNX graph, decode only. */
public final class OnnxVocosCodec extends OnnxCodecPlugin {

    /** The plugin, as the service loader makes it. */
    public OnnxVocosCodec() {
        super(false);
    }

    @Override
    public String name() {
        return "vocos";
    }

    /** Above the java vocos's 20 (measured faster: docs/backends.md). */
    @Override
    public int priority() {
        return 25;
    }

    @Override
    public String description() {
        return "Vocos decoder of EnCodec codes as an ONNX graph on ONNX Runtime; weights as the java vocos reads them";
    }

    @Override
    AudioCodec build(CodecWeights weights, int threads) {
        return OnnxVocos.open(weights, threads);
    }
}

package valle.backend.onnx;

import valle.api.codec.AudioCodec;
import valle.api.codec.CodecWeights;

/** The {@code vocos} codec on ONNX Runtime: Vocos' backbone and ISTFT head as one ONNX graph, decode only. */
public final class OnnxVocosCodec extends OnnxCodecPlugin {

    /**
     * The plugin, as the service loader makes it. Priority 25: above the java vocos's 20 (measured faster:
     * docs/backends.md).
     */
    public OnnxVocosCodec() {
        super("vocos", 25, "Vocos decoder of EnCodec codes as an ONNX graph on ONNX Runtime; weights as the java vocos"
                + " reads them", false);
    }

    @Override
    AudioCodec build(CodecWeights weights, int threads) {
        return OnnxVocos.open(weights, threads);
    }
}

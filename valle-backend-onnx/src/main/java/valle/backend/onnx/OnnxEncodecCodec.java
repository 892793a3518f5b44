package valle.backend.onnx;

import valle.api.codec.AudioCodec;
import valle.api.codec.CodecWeights;

/** The {@code encodec} codec on ONNX Runtime: EnCodec 24 kHz encoder + RVQ and decoder as ONNX graphs. */
public final class OnnxEncodecCodec extends OnnxCodecPlugin {

    /**
     * The plugin, as the service loader makes it. Priority 15: above the java encodec's 10 (measured faster:
     * docs/backends.md), below every vocos, so that {@code auto} still decodes with Vocos as vall-e does.
     */
    public OnnxEncodecCodec() {
        super("encodec", 15, "EnCodec 24 kHz encoder + RVQ + decoder as ONNX graphs on ONNX Runtime; weights as the"
                + " java encodec reads them", true);
    }

    @Override
    AudioCodec build(CodecWeights weights, int threads) {
        return OnnxEncodec.open(weights, threads);
    }
}

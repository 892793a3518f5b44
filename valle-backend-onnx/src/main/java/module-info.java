/**
 * The {@code llama} backbone and the {@code encodec} and {@code vocos} codecs on ONNX Runtime
 * ({@code backend() = "onnx"}): their ONNX graphs are built in Java from the loaded weights (the codecs' weight
 * files read by the java codec plugins) and run on ORT's CPU provider (CUDA where ORT has it). Exports nothing.
 */
module valle.backend.onnx {
    requires valle.api;
    requires valle.kit;
    requires com.microsoft.onnxruntime;
    requires org.tribuo.util.onnx;
    requires com.google.protobuf;

    uses valle.api.codec.Codec;

    provides valle.api.arch.Arch with valle.backend.onnx.OnnxLlamaArch;
    provides valle.api.codec.Codec with valle.backend.onnx.OnnxEncodecCodec, valle.backend.onnx.OnnxVocosCodec;
}

/**
 * The {@code llama} backbone on ONNX Runtime ({@code backend() = "onnx"}): its ONNX graphs are built in Java
 * from the loaded checkpoint and run on ORT's CPU provider (CUDA where ORT has it). Exports nothing.
 */
module valle.backend.onnx {
    requires valle.api;
    requires com.microsoft.onnxruntime;
    requires org.tribuo.util.onnx;
    requires com.google.protobuf;

    provides valle.api.arch.Arch with valle.backend.onnx.OnnxLlamaArch;
}

/**
 * The {@code llama} backbone on DJL NDArrays with the PyTorch engine ({@code backend() = "djl"}), CPU by
 * default and CUDA when DJL sees a GPU. Exports nothing. DJL's own dependencies (slf4j, gson, JNA,
 * commons-compress) are explicit modules that {@code java -m} resolves only with
 * {@code --add-modules ALL-MODULE-PATH}, and the libtorch jar must be on the class path (docs/backends.md).
 */
module valle.backend.djl {
    requires valle.api;
    requires valle.kit;
    requires ai.djl.api;
    requires ai.djl.pytorch_engine;

    provides valle.api.arch.Arch with valle.backend.djl.DjlLlamaArch;
}

/**
 * The Llama backbone ({@code arch_type: llama}) as an {@code Arch} plugin. Its matrix kernels are exported
 * only to the benchmark modules, which time them on their own.
 */
module valle.arch.llama {
    requires valle.api;
    requires jdk.incubator.vector;

    exports valle.arch.llama.kernel to valle.cli, valle.bench;

    provides valle.api.arch.Arch with valle.arch.llama.LlamaArch;
}

/**
 * The Llama backbone ({@code arch_type: llama}) as an {@code Arch} plugin. Its matrix kernels are exported
 * only to the CLI, whose {@code bench} times them on their own (the JMH benchmarks reach them on the class
 * path).
 */
module valle.arch.llama {
    requires valle.api;
    requires valle.kit;
    requires jdk.incubator.vector;

    exports valle.arch.llama.kernel to valle.cli;

    provides valle.api.arch.Arch with valle.arch.llama.LlamaArch;
}

/** The Llama backbone ({@code arch_type: llama}) as an {@code Arch} plugin. Exports nothing. */
module valle.arch.llama {
    requires valle.api;
    requires valle.kit;

    provides valle.api.arch.Arch with valle.arch.llama.LlamaArch;
}

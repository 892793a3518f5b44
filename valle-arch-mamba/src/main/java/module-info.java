/** The Mamba (v1) backbone ({@code arch_type: mamba}) as an {@code Arch} plugin. Exports nothing. */
module valle.arch.mamba {
    requires valle.api;
    requires valle.kit;

    provides valle.api.arch.Arch with valle.arch.mamba.MambaArch;
}

/** The Mixtral mixture-of-experts backbone ({@code arch_type: mixtral}) as an {@code Arch} plugin. Exports nothing. */
module valle.arch.mixtral {
    requires valle.api;
    requires valle.kit;
    requires jdk.incubator.vector;

    provides valle.api.arch.Arch with valle.arch.mixtral.MixtralArch;
}

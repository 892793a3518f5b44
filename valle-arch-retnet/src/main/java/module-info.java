/** The RetNet backbone ({@code arch_type: retnet}, torchscale's RetNetDecoder) as an {@code Arch} plugin. */
module valle.arch.retnet {
    requires valle.api;
    requires valle.kit;

    provides valle.api.arch.Arch with valle.arch.retnet.RetNetArch;
}

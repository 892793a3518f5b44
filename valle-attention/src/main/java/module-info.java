/** Attention kernel plugins. Exports nothing: kernels are reached through {@code valle.api.attention}. */
module valle.attention {
    requires valle.api;
    // the kit's pool and vector helpers
    requires valle.kit;
    // the tiled kernels' inner products; on the class path without it they keep their scalar loops
    requires jdk.incubator.vector;

    provides valle.api.attention.AttentionKernel with
            valle.attention.SdpaKernel, valle.attention.FlashKernel, valle.attention.MemoryEfficientKernel;
}

/** Attention kernel plugins. Exports nothing: kernels are reached through {@code valle.api.attention}. */
module valle.attention {
    requires valle.api;

    provides valle.api.attention.AttentionKernel with
            valle.attention.SdpaKernel, valle.attention.FlashKernel, valle.attention.MemoryEfficientKernel;
}

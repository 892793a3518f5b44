/**
 * The stable service-provider interfaces of valle and the small value types they exchange.
 *
 * <p>Third parties write a backbone ({@link valle.api.arch.Arch}), an attention kernel
 * ({@link valle.api.attention.AttentionKernel}), a codec ({@link valle.api.codec.Codec}) or a sampler
 * ({@link valle.api.sample.Sampler}) or a phonemizer ({@link valle.api.text.Phonemizer}) against this module alone, declare it with {@code provides} (and a
 * {@code META-INF/services} file for the class path), and prove it with {@code valle-tck}.
 * This module depends on {@code java.base} only.
 */
module valle.api {
    exports valle.api;
    exports valle.api.plugin;
    exports valle.api.tensor;
    exports valle.api.arch;
    exports valle.api.attention;
    exports valle.api.codec;
    exports valle.api.sample;
    exports valle.api.text;
}

/**
 * valle's core: reading checkpoints (safetensors and their JSON config), detecting the model layout, the
 * phoneme tokenizer, building input sequences, WAV files and the reference's resampler, the plugin registry,
 * and the {@code Valle} facade.
 * Plugins are found through the SPIs of {@code valle.api}; core never names a plugin class.
 */
module valle.core {
    requires transitive valle.api;
    requires valle.kit;
    requires com.google.guice;
    requires jakarta.inject;
    requires com.google.common;
    // the classifier heads' matrix products; on the class path without it they run plain loops
    requires jdk.incubator.vector;

    exports valle.core;
    exports valle.core.audio;
    exports valle.core.load;
    exports valle.core.text;
    exports valle.core.model;
    exports valle.core.plugin;
    exports valle.core.sample;
    exports valle.core.infer;
    exports valle.core.lora;
    exports valle.core.speech;

    opens valle.core to com.google.guice;

    uses valle.api.arch.Arch;
    uses valle.api.attention.AttentionKernel;
    uses valle.api.codec.Codec;
    uses valle.api.sample.Sampler;
    uses valle.api.text.Phonemizer;

    provides valle.api.sample.Sampler with
            valle.core.sample.RepetitionPenalty,
            valle.core.sample.LengthPenalty,
            valle.core.sample.MinP,
            valle.core.sample.TopKTopP,
            valle.core.sample.Temperature,
            valle.core.sample.TopNSigma,
            valle.core.sample.Dry;
}

/**
 * valle's core: reading checkpoints (safetensors and their JSON config), detecting the model layout, the
 * phoneme tokenizer, building input sequences, WAV files and the reference's resampler, the plugin registry,
 * and the {@code Valle} facade.
 * Plugins are found through the SPIs of {@code valle.api}; core never names a plugin class.
 */
// the qualified exports name modules that are built after this one
@SuppressWarnings("module")
module valle.core {
    requires transitive valle.api;
    requires valle.kit;
    requires com.google.guice;
    requires jakarta.inject;
    requires com.google.common;
    // the plugin choices, at debug level; the host application binds the logging backend
    requires org.slf4j;
    // the classifier heads' matrix products; on the class path without it they run plain loops
    requires jdk.incubator.vector;

    // what an embedding application uses: the facade, its requests, settings and results, and PCM / WAV audio
    exports valle.core;
    exports valle.core.speech;
    exports valle.core.audio;
    // the machinery behind the facade, for valle's own tools: the command line, the conformance kit, the server
    exports valle.core.batch to valle.cli, valle.server, valle.tck;
    exports valle.core.infer to valle.cli, valle.tck;
    exports valle.core.load to valle.cli, valle.server, valle.tck;
    exports valle.core.lora to valle.tck;
    exports valle.core.model to valle.cli, valle.server, valle.tck;
    exports valle.core.plugin to valle.cli, valle.tck;
    exports valle.core.sample to valle.cli, valle.tck;
    exports valle.core.text to valle.cli, valle.tck;

    opens valle.core to com.google.guice;

    uses valle.api.arch.Arch;
    uses valle.api.attention.AttentionKernel;
    uses valle.api.codec.Codec;
    uses valle.api.sample.Sampler;
    uses valle.api.text.Phonemizer;
    uses valle.api.text.LanguageDetector;

    provides valle.api.sample.Sampler with
            valle.core.sample.RepetitionPenalty,
            valle.core.sample.LengthPenalty,
            valle.core.sample.MinP,
            valle.core.sample.TopKTopP,
            valle.core.sample.Temperature,
            valle.core.sample.TopNSigma,
            valle.core.sample.Dry;
}

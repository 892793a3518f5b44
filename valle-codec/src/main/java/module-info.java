/**
 * Codec plugins in plain Java: EnCodec 24 kHz ({@code encodec}: encoder, residual quantizer, decoder) and
 * Vocos ({@code vocos}: decoder from EnCodec codes), reading the weight files users download (safetensors with
 * their JSON or YAML config, and PyTorch zip checkpoints through a strict unpickler). Exports nothing: codecs
 * are reached through {@code valle.api.codec}.
 */
module valle.codec {
    requires valle.api;
    requires valle.kit;
    requires jdk.incubator.vector;

    provides valle.api.codec.Codec with valle.codec.encodec.EncodecCodec, valle.codec.vocos.VocosCodec;
}

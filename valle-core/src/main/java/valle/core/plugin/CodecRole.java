package valle.core.plugin;

import valle.api.codec.Codec;
import valle.api.plugin.Availability;

/**
 * What a codec is chosen for. The reference encodes prompts with EnCodec whatever its audio backend and decodes
 * with Vocos by default, so {@code auto} must pick per role: the best codec that can do the job.
 */
public enum CodecRole {
    ENCODE,
    DECODE;

    /** Whether {@code codec} can take this role, for {@link PluginRegistry#select}. */
    public Availability supports(Codec codec) {
        boolean ok = this == ENCODE ? codec.canEncode() : codec.canDecode();
        return ok ? Availability.yes()
                : Availability.no("codec '" + codec.name() + "' does not " + name().toLowerCase(java.util.Locale.ROOT),
                        "choose a codec that does, or auto");
    }

    /**
     * The codec for this role: {@code explicit} if given, else {@code -Dvalle.codec}, else {@code VALLE_CODEC},
     * else {@code auto}.
     *
     * @throws valle.api.PluginNotFoundException when none fits, saying why each lost
     */
    public Codec choose(PluginRegistry<Codec> codecs, String explicit) {
        return codecs.select(Plugins.chosenName("codec", explicit), this::supports).plugin();
    }
}

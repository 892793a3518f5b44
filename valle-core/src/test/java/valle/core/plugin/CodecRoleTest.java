package valle.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import valle.api.PluginNotFoundException;
import valle.api.codec.AudioCodec;
import valle.api.codec.Codec;
import valle.api.plugin.Availability;

/** {@code auto} chooses a codec per role: the best encoder for prompts, the best decoder for speech. */
class CodecRoleTest {

    record FakeCodec(String name, int priority, boolean canEncode, boolean canDecode) implements Codec {
        @Override
        public Availability availability() {
            return Availability.yes();
        }

        @Override
        public AudioCodec open(Path location) {
            throw new UnsupportedOperationException("not loaded in this test");
        }
    }

    private static final PluginRegistry<Codec> CODECS = PluginRegistry.of("codec",
            List.of(new FakeCodec("encodec", 10, true, true), new FakeCodec("vocos", 20, false, true)));

    @Test
    void autoEncodesWithTheEncoderAndDecodesWithTheHigherPriorityDecoder() {
        assertEquals("encodec", CodecRole.ENCODE.choose(CODECS, "auto").name());
        assertEquals("vocos", CodecRole.DECODE.choose(CODECS, "auto").name());
        assertEquals("encodec", CodecRole.DECODE.choose(CODECS, "encodec").name());
    }

    @Test
    void aNamedCodecThatCannotTakeTheRoleIsRefusedNotReplaced() {
        PluginNotFoundException e = assertThrows(PluginNotFoundException.class, () -> CodecRole.ENCODE.choose(CODECS, "vocos"));
        assertTrue(e.getMessage().contains("codec 'vocos' does not encode"), e.getMessage());
        PluginRegistry<Codec> decodersOnly = PluginRegistry.of("codec", List.of(new FakeCodec("vocos", 20, false, true)));
        e = assertThrows(PluginNotFoundException.class, () -> CodecRole.ENCODE.choose(decodersOnly, "auto"));
        assertTrue(e.getMessage().contains("vocos does not support it: codec 'vocos' does not encode"), e.getMessage());
    }
}

package valle.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import valle.api.codec.AudioCodec;
import valle.api.codec.Codes;
import valle.codec.encodec.EncodecCodec;
import valle.codec.vocos.VocosCodec;

/** The benchmark's models: the published shapes, deterministic, and producing finite audio of the right length. */
class RandomModelsTest {

    @Test
    void randomEncodecHasThePublishedShapeAndRoundTripsLengths() {
        try (AudioCodec c = new EncodecCodec().openRandom(3)) {
            assertEquals(8, c.levels());
            assertEquals(32, c.maxLevels());
            assertEquals(1024, c.codebookSize());
            float[] pcm = new float[2400 + 17];
            for (int i = 0; i < pcm.length; i++) {
                pcm[i] = (float) Math.sin(i * 0.05);
            }
            Codes codes = c.encode(pcm);
            assertEquals(8, codes.frames());
            float[] wav = c.decode(codes);
            assertEquals(8 * 320, wav.length);
            assertFinite(wav);
            try (AudioCodec again = new EncodecCodec().openRandom(3)) {
                assertEquals(java.util.Arrays.toString(codes.data()), java.util.Arrays.toString(again.encode(pcm).data()));
            }
        }
    }

    @Test
    void randomVocosHasThePublishedShapeAndDecodesFinitely() {
        try (AudioCodec c = new VocosCodec().openRandom(3)) {
            assertEquals(16, c.maxLevels());
            int[] data = new int[5 * 8];
            for (int i = 0; i < data.length; i++) {
                data[i] = (i * 131) % 1024;
            }
            float[] wav = c.decode(new Codes(5, 8, data));
            assertEquals(5 * 320, wav.length);
            assertFinite(wav);
        }
    }

    private static void assertFinite(float[] x) {
        for (int i = 0; i < x.length; i++) {
            assertTrue(Float.isFinite(x[i]), "sample " + i + " is " + x[i]);
        }
    }
}

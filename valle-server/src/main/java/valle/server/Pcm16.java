package valle.server;

/** 16-bit samples as the encoders take them: rounded and clipped as {@code valle.core.audio.WavFile} writes PCM16. */
final class Pcm16 {
    private Pcm16() {
    }

    static short of(float sample) {
        return (short) Math.max(-32768, Math.min(32767, Math.round(sample * 32768f)));
    }

    static short[] of(float[] samples) {
        short[] out = new short[samples.length];
        for (int i = 0; i < samples.length; i++) {
            out[i] = of(samples[i]);
        }
        return out;
    }
}

package valle.server;

import de.sciss.jump3r.lowlevel.LameEncoder;
import java.io.ByteArrayOutputStream;

/**
 * MP3 through jump3r (a Java port of LAME 3.98, LGPL-2.1-or-later): mono, constant 64 kbit/s, LAME's middle
 * quality. Sent as it is made, so there is no seekable "Info" tag with the encoder's delay: a decoder gives back
 * LAME's delay (about 1105 samples) before the audio and up to one frame (576 samples at 24 kHz) of padding after.
 */
final class Mp3Encoder implements AudioEncoder {
    private static final int BITRATE_KBPS = 64;

    private final LameEncoder lame;
    private final byte[] mp3;

    Mp3Encoder(int sampleRate) {
        javax.sound.sampled.AudioFormat pcm = new javax.sound.sampled.AudioFormat(sampleRate, 16, 1, true, false);
        lame = new LameEncoder(pcm, BITRATE_KBPS, LameEncoder.CHANNEL_MODE_MONO, LameEncoder.QUALITY_MIDDLE, false);
        mp3 = new byte[lame.getMP3BufferSize()];
    }

    @Override
    public byte[] encode(float[] samples) {
        byte[] pcm = new byte[2 * samples.length];
        for (int i = 0; i < samples.length; i++) {
            short s = Pcm16.of(samples[i]);
            pcm[2 * i] = (byte) s;
            pcm[2 * i + 1] = (byte) (s >> 8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int step = lame.getPCMBufferSize();
        for (int at = 0; at < pcm.length; at += step) {
            int n = lame.encodeBuffer(pcm, at, Math.min(step, pcm.length - at), mp3);
            out.write(mp3, 0, n);
        }
        return out.toByteArray();
    }

    @Override
    public byte[] finish() {
        int n = lame.encodeFinish(mp3);
        lame.close();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(mp3, 0, n);
        return out.toByteArray();
    }
}

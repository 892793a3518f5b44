package valle.core.audio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import valle.api.ModelFormatException;
import valle.api.Stable;
import valle.core.load.AtomicFile;

/**
 * RIFF/WAVE files. Reading takes integer PCM of 8, 16, 24 and 32 bits, IEEE float of 32 and 64 bits, plain or
 * as {@code WAVE_FORMAT_EXTENSIBLE}, any number of channels, and scales as {@code torchaudio.load} does
 * (see {@link PcmAudio}). Anything else (compressed formats, RF64, a truncated or inconsistent header or data
 * chunk, non-finite float samples) is refused with a {@link ModelFormatException} naming the file and the problem.
 *
 * <p>Writing makes a mono file of 32-bit float (what {@code torchaudio.save} writes for a float32 tensor) or
 * 16-bit PCM, through {@link AtomicFile}: a failure leaves no half-written file.
 */
@Stable(since = "0.1")
public final class WavFile {
    private static final int PCM = 1;
    private static final int IEEE_FLOAT = 3;
    private static final int EXTENSIBLE = 0xFFFE;
    /** The file is read whole into one array; a RIFF size field cannot describe more anyway. */
    private static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 8;
    /** The RIFF and data sizes a streaming writer puts in a header before it knows the length (as ffmpeg does). */
    public static final long STREAMED_SIZE = 0xFFFFFFFFL;

    /** The sample encodings {@link #write} can produce. */
    public enum Encoding {
        FLOAT32(IEEE_FLOAT, 32),
        PCM16(PCM, 16);

        private final int tag;
        private final int bits;

        Encoding(int tag, int bits) {
            this.tag = tag;
            this.bits = bits;
        }
    }

    private WavFile() {
    }

    /** Reads a WAV file. */
    public static PcmAudio read(Path file) {
        return parse(readAll(file), file.toString());
    }

    /** The sample format of a WAV file, its header and data chunk validated as {@link #read} does. */
    public static Format format(Path file) {
        return layout(readAll(file), file.toString()).format();
    }

    /** Parses the bytes of a WAV file; {@code source} names it in errors. */
    public static PcmAudio parse(byte[] raw, String source) {
        Layout layout = layout(raw, source);
        Format fmt = layout.format();
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int frames = (int) (layout.dataSize() / fmt.blockAlign());
        float[][] channels = new float[fmt.channels()][frames];
        int bytes = fmt.bits() / 8;
        for (int t = 0; t < frames; t++) {
            int at = layout.dataAt() + t * fmt.blockAlign();
            for (int c = 0; c < channels.length; c++) {
                float s = sample(b, at + c * bytes, fmt);
                if (!Float.isFinite(s)) {
                    // one NaN spreads through the resampler and every conv after it into codes of garbage
                    throw new ModelFormatException(source + ": sample " + t + " of channel " + c + " is " + s
                            + " (a float WAV must hold finite samples; the file is damaged)");
                }
                channels[c][t] = s;
            }
        }
        return new PcmAudio(fmt.sampleRate(), channels);
    }

    /** Where the audio is: the format and the data chunk, every header field checked. */
    private record Layout(Format format, int dataAt, long dataSize) {
    }

    private static Layout layout(byte[] raw, String source) {
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        if (raw.length < 12 || !tag(raw, 0).equals("RIFF") || !tag(raw, 8).equals("WAVE")) {
            String what = raw.length >= 4 && tag(raw, 0).equals("RF64") ? "an RF64 file (WAV over 4 GiB), which is not supported"
                    : "not a WAV file (no RIFF/WAVE header)";
            throw new ModelFormatException(source + ": " + what);
        }
        Format fmt = null;
        int dataAt = -1;
        long dataSize = -1;
        int pos = 12;
        while (pos + 8 <= raw.length) {
            String id = tag(raw, pos);
            long size = Integer.toUnsignedLong(b.getInt(pos + 4));
            int body = pos + 8;
            if (id.equals("data")) {
                dataAt = body;
                dataSize = size;
                break;
            }
            if (size > raw.length - body) {
                throw new ModelFormatException(source + ": the '" + id + "' chunk claims " + size + " bytes but the file has "
                        + (raw.length - body) + " left (truncated?)");
            }
            if (id.equals("fmt ")) {
                fmt = format(b, body, (int) size, source);
            }
            pos = body + (int) size + (int) (size & 1);
        }
        if (fmt == null) {
            throw new ModelFormatException(source + ": no 'fmt ' chunk before the audio data (truncated or not a WAV file?)");
        }
        if (dataAt < 0) {
            throw new ModelFormatException(source + ": no 'data' chunk (truncated?)");
        }
        if (dataSize == STREAMED_SIZE) {
            // written by a streaming writer that did not know the length: the data is the rest of the file
            dataSize = (raw.length - dataAt) - (raw.length - dataAt) % fmt.blockAlign();
        }
        if (dataSize > raw.length - dataAt) {
            throw new ModelFormatException(source + ": the 'data' chunk claims " + dataSize + " bytes but the file has "
                    + (raw.length - dataAt) + " (truncated?)");
        }
        if (dataSize % fmt.blockAlign() != 0) {
            throw new ModelFormatException(source + ": the 'data' chunk of " + dataSize + " bytes is not a whole number of "
                    + fmt.blockAlign() + "-byte frames (truncated?)");
        }
        return new Layout(fmt, dataAt, dataSize);
    }

    private static byte[] readAll(Path file) {
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new ModelFormatException(file + ": " + size + " bytes is too large to read whole (over 2 GiB); "
                        + "cut it into shorter prompts");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(file + ": no such file");
        } catch (IOException e) {
            throw new ModelFormatException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Writes mono samples at {@code sampleRate}; PCM16 rounds and clips to [-32768, 32767]. */
    public static void write(Path file, float[] samples, int sampleRate, Encoding encoding) {
        AtomicFile.write(file, ByteBuffer.wrap(encode(samples, sampleRate, encoding)));
    }

    /**
     * The header of a mono WAV stream whose length is not known yet: RIFF and data sizes of {@link #STREAMED_SIZE},
     * as ffmpeg writes to a pipe; the samples follow in {@link #encodeSamples}. {@link #parse} reads such a stream
     * to its end.
     */
    public static byte[] streamHeader(int sampleRate, Encoding encoding) {
        byte[] whole = encode(new float[0], sampleRate, encoding);
        ByteBuffer b = ByteBuffer.wrap(whole).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(4, (int) STREAMED_SIZE);
        b.putInt(whole.length - 4, (int) STREAMED_SIZE);
        if (encoding == Encoding.FLOAT32) {
            // the 'fact' frame count is unknown as well
            b.putInt(whole.length - 12, (int) STREAMED_SIZE);
        }
        return whole;
    }

    /** Samples in the encoding of a WAV file's data chunk (PCM16 rounds and clips), without a header. */
    public static byte[] encodeSamples(float[] samples, Encoding encoding) {
        ByteBuffer b = ByteBuffer.allocate(samples.length * (encoding.bits / 8)).order(ByteOrder.LITTLE_ENDIAN);
        for (float s : samples) {
            if (encoding == Encoding.FLOAT32) {
                b.putFloat(s);
            } else {
                b.putShort((short) Math.max(-32768, Math.min(32767, Math.round(s * 32768f))));
            }
        }
        return b.array();
    }

    /** The bytes of the mono WAV file {@link #write} writes. */
    public static byte[] encode(float[] samples, int sampleRate, Encoding encoding) {
        int bytes = encoding.bits / 8;
        long dataSize = (long) samples.length * bytes;
        boolean isFloat = encoding == Encoding.FLOAT32;
        // a float file carries the 'fact' chunk (frame count) the WAVE spec asks of non-PCM formats
        int header = 12 + 8 + 16 + (isFloat ? 12 : 0) + 8;
        // the RIFF size field would allow 4 GiB, but the bytes are made in one Java array
        if (dataSize + header > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(samples.length + " samples do not fit one WAV file of at most 2 GiB");
        }
        ByteBuffer b = ByteBuffer.allocate((int) (header + dataSize)).order(ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt((int) (header - 8 + dataSize))
                .put("WAVE".getBytes(StandardCharsets.US_ASCII));
        b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) encoding.tag).putShort((short) 1)
                .putInt(sampleRate).putInt(sampleRate * bytes).putShort((short) bytes).putShort((short) encoding.bits);
        if (isFloat) {
            b.put("fact".getBytes(StandardCharsets.US_ASCII)).putInt(4).putInt(samples.length);
        }
        b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt((int) dataSize);
        b.put(encodeSamples(samples, encoding));
        return b.array();
    }

    /**
     * A WAV file's sample format.
     *
     * @param tag        {@code 1} integer PCM or {@code 3} IEEE float (the sub-format of an extensible file)
     * @param extensible whether the file declares it as {@code WAVE_FORMAT_EXTENSIBLE}
     */
    public record Format(int tag, boolean extensible, int channels, int sampleRate, int blockAlign, int bits) {

        /** {@code "PCM 16-bit"}, {@code "float 32-bit (extensible)"}, ... */
        public String describe() {
            return (tag == PCM ? "PCM " : "float ") + bits + "-bit" + (extensible ? " (extensible)" : "");
        }
    }

    private static Format format(ByteBuffer b, int at, int size, String source) {
        if (size < 16) {
            throw new ModelFormatException(source + ": the 'fmt ' chunk has " + size + " bytes, fewer than the 16 it needs");
        }
        int tag = b.getShort(at) & 0xffff;
        boolean extensible = tag == EXTENSIBLE;
        int channels = b.getShort(at + 2) & 0xffff;
        long sampleRate = Integer.toUnsignedLong(b.getInt(at + 4));
        int blockAlign = b.getShort(at + 12) & 0xffff;
        int bits = b.getShort(at + 14) & 0xffff;
        if (tag == EXTENSIBLE) {
            if (size < 40) {
                throw new ModelFormatException(source + ": WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk of " + size
                        + " bytes, fewer than the 40 it needs");
            }
            // the sub-format GUID starts with the plain format tag
            tag = b.getShort(at + 24) & 0xffff;
        }
        if (tag != PCM && tag != IEEE_FLOAT) {
            throw new ModelFormatException(source + ": WAV format tag " + tag + " is not supported (only PCM and IEEE "
                    + "float; convert compressed audio, e.g. A-law, mu-law or ADPCM, to PCM first)");
        }
        boolean bitsOk = tag == PCM ? bits == 8 || bits == 16 || bits == 24 || bits == 32 : bits == 32 || bits == 64;
        if (!bitsOk) {
            throw new ModelFormatException(source + ": " + bits + "-bit " + (tag == PCM ? "PCM" : "float")
                    + " samples are not supported (PCM: 8, 16, 24, 32 bits; float: 32, 64)");
        }
        if (channels == 0) {
            throw new ModelFormatException(source + ": the 'fmt ' chunk declares 0 channels");
        }
        if (sampleRate == 0 || sampleRate > Integer.MAX_VALUE) {
            throw new ModelFormatException(source + ": invalid sample rate " + sampleRate);
        }
        if (blockAlign != channels * bits / 8) {
            throw new ModelFormatException(source + ": block align " + blockAlign + " does not match " + channels
                    + " channels of " + bits + " bits");
        }
        return new Format(tag, extensible, channels, (int) sampleRate, blockAlign, bits);
    }

    private static float sample(ByteBuffer b, int at, Format f) {
        if (f.tag() == IEEE_FLOAT) {
            return f.bits() == 32 ? b.getFloat(at) : (float) b.getDouble(at);
        }
        return switch (f.bits()) {
            case 8 -> ((b.get(at) & 0xff) - 128) / 128f;
            case 16 -> b.getShort(at) / 32768f;
            case 24 -> ((b.get(at) & 0xff) | (b.get(at + 1) & 0xff) << 8 | b.get(at + 2) << 16) / 8388608f;
            default -> b.getInt(at) / 2147483648f;
        };
    }

    private static String tag(byte[] raw, int at) {
        return new String(raw, at, 4, StandardCharsets.ISO_8859_1);
    }
}

package valle.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import valle.api.codec.AudioCodec;
import valle.api.codec.Codec;
import valle.api.codec.Codes;
import valle.core.Valle;
import valle.kit.thread.ThreadCount;

/**
 * {@code valle codec-bench}: encode and decode speed of each codec at the published model's size (EnCodec
 * 24 kHz: 32 filters, 128-d latent, 32 codebooks; Vocos: 384 wide, 8 blocks) on random weights, as a real-time
 * factor (seconds of compute per second of audio; below 1 is faster than real time). The input is a chirp with
 * noise; decoding takes the encoder's codes, or random codes for a codec that only decodes. Each codec runs on
 * every backend that provides it (java, onnx), so the rows compare backends in one run.
 */
@Command(name = "codec-bench", description = "Time encode and decode of each codec at the published size (random weights).",
        footer = {"  ./valle codec-bench",
            "  ./valle codec-bench --codec encodec --backend onnx"})
final class CodecBenchCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--codec", paramLabel = "NAME", description = "One codec (default: every discovered one).")
    String codec;

    @Option(names = "--backend", paramLabel = "NAME", description = "One backend (default: every one).")
    String backend;

    @Option(names = "--seconds", defaultValue = "10", description = "Audio per run (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--runs", defaultValue = "3", description = "Timed runs per part (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed runs first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("Codecs at the published size, random weights, %.1f s of audio per run (%s, %d threads)%n", seconds,
                System.getProperty("os.arch"), ThreadCount.configured());
        out.printf("%-8s %-8s %-7s %10s %10s %8s%n", "CODEC", "BACKEND", "PART", "MEAN s", "BEST s", "RTF");
        // every backend: this command filters by --backend itself, whatever -Dvalle.backend or VALLE_BACKEND say
        try (Valle valle = Valle.builder().backend("auto").build()) {
            List<Codec> codecs = valle.plugins().codecs().all().stream()
                    .filter(c -> (codec == null || c.name().equals(codec)) && (backend == null || c.backend().equals(backend)))
                    .toList();
            if (codecs.isEmpty()) {
                throw new IllegalArgumentException("no codec" + (codec == null ? "" : " named '" + codec + "'")
                        + (backend == null ? "" : " on backend '" + backend + "'") + " is on the path");
            }
            for (Codec c : codecs) {
                String label = String.format("%-8s %-8s", c.name(), c.backend());
                if (!c.availability().ok()) {
                    out.printf("%s %s%n", label, c.availability());
                    continue;
                }
                try (AudioCodec model = c.openRandom(1)) {
                    float[] pcm = signal(model.sampleRate(), (int) Math.round(seconds * model.sampleRate()));
                    Codes codes;
                    if (c.canEncode()) {
                        codes = model.encode(pcm);
                        time(out, label, "encode", () -> model.encode(pcm));
                    } else {
                        codes = randomCodes(model, (int) Math.ceil(seconds * model.frameRate()));
                    }
                    if (c.canDecode()) {
                        time(out, label, "decode", () -> model.decode(codes));
                    }
                } catch (UnsupportedOperationException e) {
                    out.printf("%s %s%n", label, e.getMessage());
                }
            }
        }
        return 0;
    }

    private void time(PrintWriter out, String label, String part, Runnable work) {
        for (int i = 0; i < warmup; i++) {
            work.run();
        }
        double total = 0;
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            work.run();
            double s = (System.nanoTime() - t0) / 1e9;
            total += s;
            best = Math.min(best, s);
        }
        double mean = total / runs;
        out.printf("%s %-7s %10.3f %10.3f %8.3f%n", label, part, mean, best, mean / seconds);
        out.flush();
    }

    /** An exponential chirp from 80 Hz to 5 kHz with a little noise: speech-like in level, not in content. */
    static float[] signal(int rate, int n) {
        SplittableRandom rnd = new SplittableRandom(7);
        float[] x = new float[n];
        double f0 = 80;
        double f1 = 5000;
        double duration = (double) n / rate;
        for (int i = 0; i < n; i++) {
            double t = (double) i / rate;
            double phase = 2 * Math.PI * f0 * duration / Math.log(f1 / f0) * (Math.pow(f1 / f0, t / duration) - 1);
            x[i] = (float) (0.4 * Math.sin(phase) + 0.02 * (rnd.nextDouble() * 2 - 1));
        }
        return x;
    }

    static Codes randomCodes(AudioCodec model, int frames) {
        SplittableRandom rnd = new SplittableRandom(11);
        int[] data = new int[frames * model.levels()];
        for (int i = 0; i < data.length; i++) {
            data[i] = rnd.nextInt(model.codebookSize());
        }
        return new Codes(frames, model.levels(), data);
    }
}

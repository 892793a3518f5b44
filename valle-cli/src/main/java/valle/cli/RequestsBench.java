package valle.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import valle.api.codec.Codes;
import valle.core.Valle;
import valle.core.infer.CodeGenerator;
import valle.core.infer.CodeRequest;
import valle.core.sample.SamplingPipeline;
import valle.core.speech.InferenceSettings;
import valle.core.speech.Progress;

/**
 * {@code valle bench --requests N}: N different requests of one modality (random texts of the bench's length, the
 * bench prompt, one seed each) run one after the other on the model alone, then all at once through the facade's
 * scheduler of N slots (continuous batching). Rows {@code requests_serial_<modality>} and
 * {@code requests_batched_<modality>} are the wall times; for AR+NAR also the AR stage's own:
 * {@code requests_*_ar_stage} (serial: the sum of each request's AR stage; batched: until the last request left it).
 */
final class RequestsBench {
    /** The rows and whether every batched request's codes equalled its serial run. */
    record Result(List<BenchTimer.Row> rows, boolean batchedEqualsSerial) {
    }

    private final Valle valle;
    private final CodeGenerator alone;
    private final int requests;
    private final int frames;
    private final int demaskSteps;

    /**
     * @param valle       a facade built with {@code slots(requests)}
     * @param frames      the AR+NAR requests' AR steps (the random model never stops on its own), and the NAR-len
     *                    requests' longest duration
     * @param demaskSteps the NAR-len requests' demasking steps
     */
    RequestsBench(Valle valle, int requests, int frames, int demaskSteps) {
        this.valle = valle;
        this.alone = new CodeGenerator(valle.model(), new SamplingPipeline(valle.plugins().samplers().all()));
        this.requests = requests;
        this.frames = frames;
        this.demaskSteps = demaskSteps;
    }

    /** Runs both modalities; each one's figures also go to {@code progress} as soon as they are measured. */
    Result run(int textTokens, Codes prompt, java.io.PrintWriter progress) {
        List<BenchTimer.Row> rows = new ArrayList<>();
        boolean equal = true;
        for (String modality : List.of("ar+nar", "nar-len")) {
            List<CodeRequest> batch = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                batch.add(request(modality, i, textTokens, prompt, frames));
            }
            // compile the hot paths of both ways before anything is timed
            CodeRequest warm = request(modality, requests, textTokens, prompt, Math.min(frames, 8));
            alone.generate(warm, Progress.NONE);
            valle.generate(warm, Progress.NONE);

            String name = modality.replace('+', '_').replace('-', '_');
            StageClock serialClock = new StageClock();
            long t0 = System.nanoTime();
            List<Codes> serial = new ArrayList<>();
            for (CodeRequest r : batch) {
                serial.add(alone.generate(r, serialClock.forRequest(System.nanoTime())).codes());
            }
            double serialSeconds = (System.nanoTime() - t0) / 1e9;

            StageClock batchedClock = new StageClock();
            long t1 = System.nanoTime();
            List<Codes> batched = together(batch, batchedClock, t1);
            double batchedSeconds = (System.nanoTime() - t1) / 1e9;

            rows.add(row("requests_serial_" + name, serialSeconds));
            rows.add(row("requests_batched_" + name, batchedSeconds));
            if (modality.equals("ar+nar")) {
                rows.add(row("requests_serial_ar_stage", serialClock.summed()));
                rows.add(row("requests_batched_ar_stage", batchedClock.lastEnd(t1)));
            }
            progress.printf(java.util.Locale.ROOT, "valle bench: %d %s requests: serial %.2f s, batched %.2f s%n", requests,
                    modality, serialSeconds, batchedSeconds);
            progress.flush();
            for (int i = 0; i < requests; i++) {
                equal &= Arrays.equals(serial.get(i).data(), batched.get(i).data()) && serial.get(i).frames() == batched.get(i).frames();
            }
        }
        return new Result(rows, equal);
    }

    private List<Codes> together(List<CodeRequest> batch, StageClock clock, long start) {
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Codes>> futures = new ArrayList<>();
            for (CodeRequest r : batch) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return valle.generate(r, clock.forRequest(start)).codes();
                }));
            }
            go.countDown();
            List<Codes> out = new ArrayList<>();
            for (Future<Codes> f : futures) {
                out.add(f.get());
            }
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the batched requests ran", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdown();
        }
    }

    private static BenchTimer.Row row(String name, double seconds) {
        return new BenchTimer.Row(name, seconds, seconds, 1, "s");
    }

    /** Request {@code i}: its own random text and seed; AR+NAR runs {@code frames} AR steps, NAR-len at most that long. */
    private CodeRequest request(String modality, int i, int textTokens, Codes prompt, int frames) {
        SplittableRandom rnd = new SplittableRandom(100 + i);
        int[] text = new int[textTokens];
        text[0] = 1;
        text[textTokens - 1] = 2;
        for (int k = 1; k < textTokens - 1; k++) {
            text[k] = 3 + rnd.nextInt(250);
        }
        InferenceSettings s = InferenceSettings.fromKwargs(Map.of("modality", modality, "seed", i,
                "ar_temperature", 1.0, "max_duration", frames, "max_steps", demaskSteps));
        return new CodeRequest(text, 0, prompt, s);
    }

    /** When each request entered and left its AR stage (the stages {@code CodeGenerator} reports). */
    private static final class StageClock {
        private final List<long[]> spans = java.util.Collections.synchronizedList(new ArrayList<>());

        Progress forRequest(long started) {
            long[] span = {started, -1};
            spans.add(span);
            return what -> {
                if (what.startsWith("levels") && span[1] < 0) {
                    span[1] = System.nanoTime();
                }
            };
        }

        /** The AR stages' durations, summed. */
        double summed() {
            synchronized (spans) {
                return spans.stream().filter(s -> s[1] >= 0).mapToLong(s -> s[1] - s[0]).sum() / 1e9;
            }
        }

        /** From {@code start} until the last request left its AR stage. */
        double lastEnd(long start) {
            synchronized (spans) {
                return (spans.stream().mapToLong(s -> s[1]).max().orElse(start) - start) / 1e9;
            }
        }
    }
}

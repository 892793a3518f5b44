package valle.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import valle.api.arch.Backbone;
import valle.api.arch.BackboneInput;
import valle.api.arch.BackboneState;
import valle.api.arch.MaskMode;
import valle.api.codec.AudioCodec;
import valle.api.codec.Codes;
import valle.api.tensor.DType;
import valle.core.Valle;
import valle.core.infer.ArLoop;
import valle.core.infer.DemaskLoop;
import valle.core.infer.NarLoop;
import valle.core.infer.Prompted;
import valle.core.infer.Sampling;
import valle.core.model.InputSequence;
import valle.core.model.ValleModel;
import valle.core.plugin.CodecRole;
import valle.core.sample.SamplingPipeline;
import valle.core.speech.InferenceSettings;
import valle.core.speech.Progress;
import valle.kit.matrix.PackedMatrix;
import valle.api.tensor.WeightFormat;
import valle.kit.thread.KernelPool;
import valle.kit.thread.ThreadCount;

/**
 * {@code valle bench}: the request of {@code docs/spec/performance.md} (60 phoneme tokens, a 3 s prompt of 225
 * frames, 5 s of output = 375 frames) timed stage by stage on a model of the published size, through the same
 * loops {@code speak} runs. Without {@code --model} the model is a random checkpoint of the
 * {@code ar+nar-len-llama-8} layout written to a temporary file in the chosen dtype and loaded like a real one
 * (memory-mapped; the AR stop class is suppressed so the AR loop runs its 376 steps, as the reference's figures
 * assume). The kernel rows time the llama plugin's own matrix kernels on the shapes of the spec's §2.
 */
@Command(name = "bench", description = {"Time every stage of a typical request at the real model size (random weights unless --model).",
            "With --requests N: N different requests per modality run serially, then together through N scheduler slots."},
        footer = {"  ./valle bench --quick",
            "  ./valle bench --requests 4 --json   # continuous batching: serial vs batched wall time",
            "  ./valle bench --backend java --weight-dtype bf16 --threads 4 --json"})
final class BenchCommand implements Callable<Integer> {
    static final int TEXT_TOKENS = 60;
    static final int PROMPT_FRAMES = 225;
    static final int OUTPUT_FRAMES = 375;
    private static final double OUTPUT_SECONDS = OUTPUT_FRAMES / 75.0;
    /** AR steps: the stop step included, S runs from the prefill's length to prefill + 375. */
    private static final int AR_STEPS = OUTPUT_FRAMES + 1;
    /** Steps sampled for each of the ar_step rows. */
    static final int STEP_SAMPLES = 5;
    /** Sequences stepped together by the ar_step_batch row, and the rows each has cached (S of ar_step_late). */
    private static final int BATCH = 4;
    private static final int BATCH_PAST = 661;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", paramLabel = "FILE", description = "A checkpoint (.sft) to time instead of random weights.")
    Path model;

    @Option(names = "--arch", paramLabel = "NAME", defaultValue = "llama",
            description = "Backbone of the random model (default: ${DEFAULT-VALUE}).")
    String arch;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "auto",
            description = "Backend of the arch and codecs (default: ${DEFAULT-VALUE}, as speak: the fastest present; java, onnx, djl). "
                    + "The gemv/gemm rows always time the java kernels.")
    String backend;

    @Option(names = "--threads", paramLabel = "N", description = "Threads for the kernels (default: -Dvalle.threads, else VALLE_THREADS, else the machine's processors).")
    Integer threads;

    @Option(names = "--weight-dtype", paramLabel = "f32|bf16|f16|int8",
            description = "Weights: the random file's dtype (int8: f32 file quantised at load); with --model, converted at load (default: f32, or the file's).")
    String weightDtype;

    @Option(names = "--reps", defaultValue = "3", description = "Repeats of each short stage (default: ${DEFAULT-VALUE}; long loops run fewer).")
    int reps;

    @Option(names = "--layers", defaultValue = "12", description = "Layers of the random model (default: ${DEFAULT-VALUE}, the published size).")
    int layers;

    @Option(names = "--quick", description = "A subset in under a minute: one decode-step row, the batched decode-step rows, one NAR level, len, one NAR-len step, codecs, kernels.")
    boolean quick;

    @Option(names = "--narlen-50", description = "Also run the 50-step NAR-len loop (twice the time of narlen_25; off so that the default run fits in 10 minutes).")
    boolean narlen50;

    @Option(names = "--requests", paramLabel = "N",
            description = "Instead of the stages: N different AR+NAR requests and N NAR-len requests of the bench's size, run one "
                    + "after the other and then together through a scheduler of N slots (rows requests_serial_* and requests_batched_*).")
    Integer requests;

    @Option(names = "--compare-weights", paramLabel = "LIST", split = ",",
            description = "Instead of the rows: the model stages on one model per weight format (e.g. f32,bf16,int8; all loaded "
                    + "from one f32 file), timed in turn for --reps rounds, with each median over the first format's, and each "
                    + "format's greedy AR+NAR codes of the request against the first's.")
    List<String> compareWeights;

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        int n = threads == null ? ThreadCount.configured() : threads;
        if (n < 1 || reps < 1 || layers < 1 || requests != null && requests < 1) {
            throw new ParameterException(spec.commandLine(), "--threads, --reps, --layers and --requests must be at least 1");
        }
        if (compareWeights != null) {
            return compare(out, n);
        }
        WeightFormat format = weightDtype == null ? null : parseFormat();
        // random weights are written in a 16-bit format's own dtype; a checkpoint or a quantisation is converted at load
        WeightFormat requested = format != null && (model != null || format.bits() < 16) ? format : null;
        Path file = model;
        Path temp = null;
        try {
            if (file == null) {
                temp = Files.createTempFile("valle-bench-", ".sft");
                file = temp;
                DType dtype = format == WeightFormat.BF16 ? DType.BF16 : format == WeightFormat.F16 ? DType.F16 : DType.F32;
                try (Valle plugins = Valle.builder().build()) {
                    // the arch's random tensors are computed as they are written, a row at a time: the file costs no heap;
                    // the arch is looked up on the timed backend, so that no other backend's native runtime loads
                    long params = BenchModelFile.write(temp, plugins.plugins().onBackend(backend).archs().get(arch), layers,
                            dtype, 1);
                    if (!json) {
                        out.printf(Locale.ROOT, "random %s model: %.1f M parameters, %s file, %d layers%n", arch,
                                params / 1e6, dtype, layers);
                        out.flush();
                    }
                }
            }
            List<BenchTimer.Row> rows;
            long[] routed;
            long peakRss;
            long peakRssBatched = -1;
            String ranOn;
            Boolean batchedEqual = null;
            // every pool the model, its backbone and attention make while loading takes n threads
            Valle.Builder builder = Valle.builder().model(file).arch(model == null ? arch : null).backend(backend).threads(n)
                    .weights(requested);
            try (Valle valle = requests == null ? builder.build() : builder.slots(requests).build()) {
                ranOn = valle.model().arch().backend();
                if (requests != null) {
                    RequestsBench.Result r = ThreadCount.where(n).call(() -> new RequestsBench(valle, requests,
                            quick ? 20 : AR_STEPS, quick ? 3 : 25).run(TEXT_TOKENS, randomCodes(new SplittableRandom(3), PROMPT_FRAMES, 8),
                            spec.commandLine().getErr()));
                    rows = new ArrayList<>(r.rows());
                    batchedEqual = r.batchedEqualsSerial();
                } else {
                    // and so do the codecs its codec rows open after loading
                    rows = ThreadCount.where(n).call(() -> run(valle, n, format));
                }
                routed = routedPerExpert(valle.model());
                // the high-water mark of one request's stages: the batched rows below hold five caches at once,
                // and the kernel rows allocate matrices of their own
                peakRss = PeakResidentSet.bytes();
                if (requests == null) {
                    List<BenchTimer.Row> batched = ThreadCount.where(n).call(() -> batchedStepRows(valle.model(), longReps()));
                    rows.addAll(batched);
                    peakRssBatched = PeakResidentSet.bytes();
                }
            }
            if (requests == null) {
                // with the model closed, so that nothing of the backend runs beside the kernels
                kernelRows(n, format, rows);
            }
            BenchReport report = new BenchReport(ranOn, backend, n, format == null ? (model == null ? "f32" : "file")
                    : format.label(), PackedMatrix.vectorBits(), rows, peakRss, peakRssBatched,
                    WeightsBytes.of(file, requested), routed, batchedEqual);
            if (json) {
                report.printJson(out);
            } else {
                report.printTable(out);
            }
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the benchmark model file: " + e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            // the weights are unreachable once this unwinds, so there is room to say what happened
            throw new IllegalStateException("the " + arch + " model of " + layers + " layers does not fit the Java heap ("
                    + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB): give the JVM more (VALLE_JAVA_OPTS=-Xmx16g"
                    + " with ./valle) or fewer --layers");
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    out.println("could not delete " + temp + ": " + e.getMessage());
                }
            }
        }
    }

    /** {@code --compare-weights}: one model per format from one f32 file (or {@code --model}), timed in turn. */
    private int compare(PrintWriter out, int n) {
        if (weightDtype != null || requests != null) {
            throw new ParameterException(spec.commandLine(), "--compare-weights names the formats itself: drop --weight-dtype"
                    + " and --requests");
        }
        List<WeightFormat> formats = new ArrayList<>();
        for (String name : compareWeights) {
            try {
                WeightFormat f = WeightFormat.parse(name.trim());
                if (formats.contains(f)) {
                    throw new IllegalArgumentException(name + " is named twice");
                }
                formats.add(f);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--compare-weights: " + e.getMessage());
            }
        }
        if (formats.size() < 2) {
            throw new ParameterException(spec.commandLine(), "--compare-weights needs two formats or more, e.g. f32,bf16,int8");
        }
        Path temp = null;
        List<Valle> opened = new ArrayList<>();
        try {
            Path file = model;
            if (file == null) {
                temp = Files.createTempFile("valle-bench-", ".sft");
                file = temp;
                try (Valle plugins = Valle.builder().build()) {
                    BenchModelFile.write(temp, plugins.plugins().onBackend(backend).archs().get(arch), layers, DType.F32, 1);
                }
            }
            for (WeightFormat f : formats) {
                opened.add(Valle.builder().model(file).arch(model == null ? arch : null).backend(backend).threads(n)
                        .weights(f).build());
            }
            WeightsComparison comparison = new WeightsComparison(formats, opened);
            List<WeightsComparison.Row> rows = ThreadCount.where(n).call(() -> comparison.run(reps));
            List<WeightsComparison.CodesRow> codes = ThreadCount.where(n).call(comparison::codes);
            if (json) {
                WeightsComparison.printJson(out, n, reps, rows, codes);
            } else {
                WeightsComparison.printTable(out, n, reps, rows, codes);
            }
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the benchmark model file: " + e.getMessage(), e);
        } catch (OutOfMemoryError e) {
            throw new IllegalStateException("the " + formats.size() + " models of " + layers + " layers do not fit the Java heap ("
                    + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB) together: give the JVM more (VALLE_JAVA_OPTS=-Xmx4g"
                    + " with ./valle), or compare fewer formats at once");
        } finally {
            opened.forEach(Valle::close);
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    out.println("could not delete " + temp + ": " + e.getMessage());
                }
            }
        }
    }

    private WeightFormat parseFormat() {
        try {
            return WeightFormat.parse(weightDtype);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--weight-dtype: " + e.getMessage());
        }
    }

    private List<BenchTimer.Row> run(Valle valle, int n, WeightFormat format) {
        ValleModel m = valle.model();
        SplittableRandom rnd = new SplittableRandom(3);
        int[] text = randomText(rnd);
        Prompted in = new Prompted(text, 0, randomCodes(rnd, PROMPT_FRAMES, 8));
        int[] level0 = randomCodes(rnd, OUTPUT_FRAMES, 1).level(0);
        SamplingPipeline pipeline = new SamplingPipeline(valle.plugins().samplers().all());
        InferenceSettings base = InferenceSettings.fromKwargs(Map.of("max_duration", AR_STEPS, "max_steps", 25));
        List<BenchTimer.Row> rows = new ArrayList<>();
        int longReps = longReps();
        int shortReps = quick ? 1 : reps;

        // compile the hot paths before anything is timed: a NAR pass, and a NAR-len step, whose two stacked
        // sequences of different lengths and guidance take paths the NAR pass does not
        NarLoop.run(m, in, level0, 1, base.narCfg(), new Sampling(pipeline, base.nar(), new SplittableRandom(1)));
        InferenceSettings warmStep = InferenceSettings.fromKwargs(Map.of("max_steps", 1));
        DemaskLoop.run(m, in, OUTPUT_FRAMES, warmStep, new Sampling(pipeline, warmStep.narLen(), new SplittableRandom(6)));

        InferenceSettings ar = quick ? InferenceSettings.fromKwargs(Map.of("max_duration", STEP_SAMPLES + 2)) : base;
        double[] loop = new double[longReps];
        double[] early = new double[longReps * STEP_SAMPLES];
        double[] late = new double[longReps * STEP_SAMPLES];
        for (int r = 0; r < longReps; r++) {
            StepClock clock = new StepClock(ar.maxDuration());
            ArLoop.Result result = ArLoop.run(m, in, ar, new Sampling(pipeline, ar.ar(), new SplittableRandom(r)), null, clock);
            loop[r] = clock.total();
            if (result.sampled().length != ar.maxDuration()) {
                throw new IllegalStateException("the AR loop stopped after " + result.sampled().length + " of "
                        + ar.maxDuration() + " steps; the benchmark model's stop class should never win");
            }
            // step k >= 1 feeds one row: S = prefill + k
            for (int i = 0; i < STEP_SAMPLES; i++) {
                early[r * STEP_SAMPLES + i] = clock.step(1 + i);
                late[r * STEP_SAMPLES + i] = clock.step(ar.maxDuration() - STEP_SAMPLES + i);
            }
        }
        rows.add(BenchTimer.fromSamples("ar_step_early", "s", early));
        if (!quick) {
            rows.add(BenchTimer.fromSamples("ar_step_late", "s", late));
            rows.add(BenchTimer.fromSamples("ar_loop", "s", loop));
        }

        Sampling nar = new Sampling(pipeline, base.nar(), new SplittableRandom(5));
        rows.add(BenchTimer.seconds("nar_level", shortReps, () -> NarLoop.run(m, in, level0, 1, base.narCfg(), nar)));
        if (!quick) {
            rows.add(BenchTimer.seconds("nar_all", longReps, () -> NarLoop.run(m, in, level0, 7, base.narCfg(), nar)));
        }
        rows.add(BenchTimer.seconds("len_loop", shortReps, () -> lenLoop(m, in)));
        InferenceSettings oneStep = InferenceSettings.fromKwargs(Map.of("max_steps", 1));
        rows.add(BenchTimer.seconds("narlen_step", shortReps, () -> DemaskLoop.run(m, in, OUTPUT_FRAMES, oneStep,
                new Sampling(pipeline, oneStep.narLen(), new SplittableRandom(7)))));
        if (!quick) {
            for (int steps : narlen50 ? new int[] {25, 50} : new int[] {25}) {
                InferenceSettings s = InferenceSettings.fromKwargs(Map.of("max_steps", steps));
                rows.add(BenchTimer.seconds("narlen_" + steps, 1, () -> DemaskLoop.run(m, in, OUTPUT_FRAMES, s,
                        new Sampling(pipeline, s.narLen(), new SplittableRandom(8)))));
            }
        }
        codecRows(valle, shortReps, rows);
        if (!quick) {
            BenchTimer.Row arLoop = find(rows, "ar_loop");
            BenchTimer.Row narAll = find(rows, "nar_all");
            BenchTimer.Row len = find(rows, "len_loop");
            BenchTimer.Row narLen = find(rows, "narlen_25");
            rows.add(new BenchTimer.Row("rtf_ar_nar", (arLoop.min() + narAll.min()) / OUTPUT_SECONDS,
                    (arLoop.median() + narAll.median()) / OUTPUT_SECONDS, arLoop.reps(), "s"));
            rows.add(new BenchTimer.Row("rtf_narlen_nar", (len.min() + narLen.min() + narAll.min()) / OUTPUT_SECONDS,
                    (len.median() + narLen.median() + narAll.median()) / OUTPUT_SECONDS, narLen.reps(), "s"));
        }
        return rows;
    }

    /**
     * The AR backbone's decode step at S = {@link #BATCH_PAST} + 1 for one sequence ({@code ar_step_batch1}) and
     * for {@link #BATCH} sequences in one batched pass ({@code ar_step_batch4}, seconds per pass: divide by 4 for a
     * sequence's share), as continuous batching steps the requests in flight. Backbone only (no heads, no
     * sampling); the sequences are forks of one prefill of random rows, and the two kinds of step alternate, so
     * that both see the same load.
     */
    private static List<BenchTimer.Row> batchedStepRows(ValleModel m, int reps) {
        Backbone backbone = m.backbone();
        int d = backbone.config().hiddenSize();
        SplittableRandom rnd = new SplittableRandom(11);
        double[] alone = new double[reps * STEP_SAMPLES];
        double[] together = new double[reps * STEP_SAMPLES];
        try (BackboneState prefilled = backbone.newState()) {
            backbone.forward(prefilled, randomRows(rnd, BATCH_PAST, 0, d));
            for (int r = 0; r < reps; r++) {
                List<BackboneState> states = new ArrayList<>();
                try {
                    for (int s = 0; s <= BATCH; s++) {
                        states.add(prefilled.fork());
                    }
                    // two steps first: the first passes compile the batched path and grow the caches
                    for (int step = -2; step < STEP_SAMPLES; step++) {
                        double one = step(backbone, states.subList(0, 1), rnd, d);
                        double many = step(backbone, states.subList(1, BATCH + 1), rnd, d);
                        if (step >= 0) {
                            alone[r * STEP_SAMPLES + step] = one;
                            together[r * STEP_SAMPLES + step] = many;
                        }
                    }
                } finally {
                    states.forEach(BackboneState::close);
                }
            }
        }
        return List.of(BenchTimer.fromSamples("ar_step_batch1", "s", alone),
                BenchTimer.fromSamples("ar_step_batch" + BATCH, "s", together));
    }

    /** Repetitions of the long rows (the AR loop, all NAR levels, the batched steps). */
    private int longReps() {
        return quick ? 1 : Math.max(1, Math.min(reps, 2));
    }

    /** Seconds of one batched pass appending a random row to each state. */
    private static double step(Backbone backbone, List<BackboneState> states, SplittableRandom rnd, int d) {
        List<BackboneInput> inputs = new ArrayList<>();
        for (BackboneState state : states) {
            inputs.add(randomRows(rnd, 1, state.length(), d));
        }
        return BenchTimer.elapsed(() -> backbone.forward(states, inputs));
    }

    /** {@code n} random rows of width {@code d} at positions {@code from..}, causal. */
    private static BackboneInput randomRows(SplittableRandom rnd, int n, int from, int d) {
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        int[] positions = new int[n];
        for (int i = 0; i < n; i++) {
            positions[i] = from + i;
        }
        return new BackboneInput(x, n, positions, MaskMode.CAUSAL);
    }

    /**
     * Where a mixture-of-experts backbone sends the tokens of the bench request's first NAR pass (level 1 over
     * the prompt and 375 frames), summed over layers; empty for a dense model.
     */
    private static long[] routedPerExpert(ValleModel m) {
        if (m.config().experts() <= 1) {
            return new long[0];
        }
        SplittableRandom rnd = new SplittableRandom(3);
        int[] text = randomText(rnd);
        Codes prompt = randomCodes(rnd, PROMPT_FRAMES, 8);
        Codes level0 = randomCodes(rnd, OUTPUT_FRAMES, 1);
        InputSequence seq = m.sequences().nar(text, 0, prompt, level0, 1);
        long[] counts = new long[m.config().experts()];
        m.backbone(1).forward(seq.toBackboneInput(), new valle.api.arch.BackboneProbe() {
            @Override
            public void routing(int layer, int rows, int experts, float[] logits, int[] chosen, float[] weights) {
                // chosen is [rows, k]: every entry is one token sent to one expert
                for (int e : chosen) {
                    counts[e]++;
                }
            }
        });
        return counts;
    }

    /** Four steps of the duration loop as {@code DurationLoop} runs them (one state, a digit a step), with fixed digits. */
    static void lenLoop(ValleModel m, Prompted in) {
        int[][] digits = {{0}, {0, 3}, {0, 3, 7}, {0, 3, 7, 5}};
        try (BackboneState state = m.backbone().newState()) {
            for (int[] d : digits) {
                var tail = m.sequences().lenTail(in.text(), in.lang(), in.prompt(), d, state.length());
                float[] hidden = m.backbone().forward(state, tail.input());
                m.heads().logits(tail.head(), hidden, tail.input().rows() - 1, 1);
            }
        }
    }

    private void codecRows(Valle valle, int runs, List<BenchTimer.Row> rows) {
        try (AudioCodec encoder = CodecRole.ENCODE.choose(valle.plugins().codecs(), null).openRandom(1);
             AudioCodec decoder = CodecRole.DECODE.choose(valle.plugins().codecs(), null).openRandom(1)) {
            float[] pcm = CodecBenchCommand.signal(encoder.sampleRate(), 3 * encoder.sampleRate());
            encoder.encode(pcm);
            rows.add(BenchTimer.seconds("codec_encode_3s", runs, () -> encoder.encode(pcm)));
            Codes codes = CodecBenchCommand.randomCodes(decoder, OUTPUT_FRAMES);
            decoder.decode(codes);
            rows.add(BenchTimer.seconds("codec_decode_5s", runs, () -> decoder.decode(codes)));
        }
    }

    /**
     * The kernels' rates on the spec's §2 shapes: a matrix-vector product streaming 48 distinct 4096×1024
     * matrices (768 MB in f32, so no cache holds them) in GB/s of weights, and 665×1024 · 1024×4096 in GFLOP/s.
     */
    private void kernelRows(int n, WeightFormat format, List<BenchTimer.Row> rows) {
        WeightFormat f = format == null ? WeightFormat.F32 : format;
        SplittableRandom rnd = new SplittableRandom(9);
        float[] w = new float[4096 * 1024];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        PackedMatrix[] matrices = new PackedMatrix[quick ? 8 : 48];
        for (int i = 0; i < matrices.length; i++) {
            matrices[i] = PackedMatrix.of(f, w, 4096, 1024);
        }
        float[] x = Arrays.copyOf(w, 1024);
        float[] y = new float[4096];
        int gemmRows = 665;
        float[] a = Arrays.copyOf(w, gemmRows * 1024);
        float[] c = new float[gemmRows * 4096];
        try (KernelPool pool = new KernelPool(n, "valle-bench")) {
            // in a process whose arch ran on another backend the kernels are cold here: more than one call first
            warmUp(quick ? 0.3 : 1.0, () -> {
                for (PackedMatrix p : matrices) {
                    p.multiply(x, 1, y, pool);
                }
            });
            long bytes = matrices[0].bytes() * matrices.length;
            rows.add(BenchTimer.of("gemv_gbps", "GB/s", quick ? 3 : 10, () -> {
                long t0 = System.nanoTime();
                for (PackedMatrix p : matrices) {
                    p.multiply(x, 1, y, pool);
                }
                return bytes / ((System.nanoTime() - t0) / 1e9) / 1e9;
            }));
            warmUp(quick ? 0.3 : 1.0, () -> matrices[0].multiply(a, gemmRows, c, pool));
            rows.add(BenchTimer.of("gemm_gflops", "GFLOP/s", quick ? 2 : 5, () -> {
                long t0 = System.nanoTime();
                matrices[0].multiply(a, gemmRows, c, pool);
                return 2.0 * gemmRows * 1024 * 4096 / ((System.nanoTime() - t0) / 1e9) / 1e9;
            }));
        }
    }

    /** Runs {@code work} repeatedly for about {@code seconds}. */
    private static void warmUp(double seconds, Runnable work) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        do {
            work.run();
        } while (System.nanoTime() < end);
    }

    private static BenchTimer.Row find(List<BenchTimer.Row> rows, String name) {
        return rows.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    /** The request's phoneme tokens: BOS, {@link #TEXT_TOKENS} - 2 random phonemes, EOS. */
    static int[] randomText(SplittableRandom rnd) {
        int[] text = new int[TEXT_TOKENS];
        text[0] = 1;
        text[TEXT_TOKENS - 1] = 2;
        for (int i = 1; i < TEXT_TOKENS - 1; i++) {
            text[i] = 3 + rnd.nextInt(250);
        }
        return text;
    }

    static Codes randomCodes(SplittableRandom rnd, int frames, int levels) {
        int[] data = new int[frames * levels];
        for (int i = 0; i < data.length; i++) {
            data[i] = rnd.nextInt(1024);
        }
        return new Codes(frames, levels, data);
    }
}

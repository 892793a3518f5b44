package valle.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import valle.api.codec.Codes;
import valle.api.tensor.WeightFormat;
import valle.core.Valle;
import valle.core.infer.ArLoop;
import valle.core.infer.DemaskLoop;
import valle.core.infer.NarLoop;
import valle.core.infer.Prompted;
import valle.core.infer.Sampling;
import valle.core.load.JsonWriter;
import valle.core.model.ValleModel;
import valle.core.sample.SamplingPipeline;
import valle.core.speech.InferenceSettings;

/**
 * {@code valle bench --compare-weights f32,bf16,int8}: the bench request's model stages on one model per weight
 * format, all loaded at once from one checkpoint and timed in turn, round after round, with the formats' order
 * rotating. A shared host's speed drifts by 10-25 % from one minute to the next, so separate runs per format
 * cannot tell whether a format is 5 % slower than another; taken in turn within seconds of each other, every
 * format sees the same drift, and the ratio of medians says it. Beside the speed, what a format costs in
 * fidelity: the codes of a greedy AR+NAR generation of the request's 5 s on each model against the first's.
 */
final class WeightsComparison {
    /** The model stages of the bench, each timed once per format and round (the AR step five times). */
    static final List<String> STAGES = List.of("ar_step", "nar_level", "len_loop", "narlen_step");

    /**
     * A stage's samples for one format, the backend its model ran on ({@code auto} picks per format: onnx stores
     * no bf16), and the ratio of its median to the first format's.
     */
    record Row(String stage, WeightFormat format, String backend, BenchTimer.Row times, double medianRatio) {
    }

    /**
     * A format's greedy codes ({@link BenchCommand#OUTPUT_FRAMES} frames of every level) against the first
     * format's: the frames equal on every level, on level 0, and the first frame whose level 0 differs (-1: none).
     * After a differing AR pick the sequences part, so the first difference says most.
     */
    record CodesRow(WeightFormat format, int frames, int framesEqual, int level0Equal, int firstDifference) {
    }

    private final List<WeightFormat> formats;
    private final List<Valle> models;
    private final Prompted in;
    private final int[] level0;

    /** @param models one per format, in the same order */
    WeightsComparison(List<WeightFormat> formats, List<Valle> models) {
        if (formats.size() != models.size() || formats.size() < 2) {
            throw new IllegalArgumentException(formats.size() + " formats for " + models.size() + " models");
        }
        this.formats = List.copyOf(formats);
        this.models = List.copyOf(models);
        // the request of every bench row: the same draws in the same order as BenchCommand's
        SplittableRandom rnd = new SplittableRandom(3);
        int[] text = BenchCommand.randomText(rnd);
        this.in = new Prompted(text, 0, BenchCommand.randomCodes(rnd, BenchCommand.PROMPT_FRAMES, 8));
        this.level0 = BenchCommand.randomCodes(rnd, BenchCommand.OUTPUT_FRAMES, 1).level(0);
    }

    /** Warms every model's paths once, then times {@code rounds} rounds. */
    List<Row> run(int rounds) {
        int k = formats.size();
        List<Map<String, List<Double>>> samples = new ArrayList<>();
        for (int f = 0; f < k; f++) {
            samples.add(new LinkedHashMap<>());
            for (String stage : STAGES) {
                samples.get(f).put(stage, new ArrayList<>());
            }
            round(models.get(f), null);
        }
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < k; i++) {
                int f = (r + i) % k;
                round(models.get(f), samples.get(f));
            }
        }
        List<Row> rows = new ArrayList<>();
        for (String stage : STAGES) {
            BenchTimer.Row first = null;
            for (int f = 0; f < k; f++) {
                double[] values = samples.get(f).get(stage).stream().mapToDouble(Double::doubleValue).toArray();
                BenchTimer.Row times = BenchTimer.fromSamples(stage, "s", values);
                first = first == null ? times : first;
                rows.add(new Row(stage, formats.get(f), models.get(f).model().arch().backend(), times,
                        times.median() / first.median()));
            }
        }
        return rows;
    }

    /** Each format's greedy codes of the request against the first format's. */
    List<CodesRow> codes() {
        InferenceSettings greedy = InferenceSettings.fromKwargs(Map.of("max_duration", BenchCommand.OUTPUT_FRAMES,
                "ar_temperature", 0.0, "nar_temperature", 0.0));
        List<CodesRow> rows = new ArrayList<>();
        Codes first = null;
        for (int f = 0; f < formats.size(); f++) {
            Valle valle = models.get(f);
            ValleModel m = valle.model();
            SamplingPipeline pipeline = new SamplingPipeline(valle.plugins().samplers().all());
            // the model's own level 0, not the fixed one the stages are timed with
            int[] sampled = ArLoop.run(m, in, greedy, new Sampling(pipeline, greedy.ar(), new SplittableRandom(1)))
                    .sampled();
            Codes codes = NarLoop.run(m, in, sampled, 0, greedy.narCfg(),
                    new Sampling(pipeline, greedy.nar(), new SplittableRandom(1))).codes();
            first = first == null ? codes : first;
            rows.add(compare(formats.get(f), codes, first));
        }
        return rows;
    }

    private static CodesRow compare(WeightFormat format, Codes codes, Codes reference) {
        int frames = Math.min(codes.frames(), reference.frames());
        int equal = 0;
        int level0 = 0;
        int firstDifference = -1;
        for (int t = 0; t < frames; t++) {
            boolean same = true;
            for (int l = 0; l < Math.min(codes.levels(), reference.levels()); l++) {
                same &= codes.get(t, l) == reference.get(t, l);
            }
            equal += same ? 1 : 0;
            boolean sameLevel0 = codes.get(t, 0) == reference.get(t, 0);
            level0 += sameLevel0 ? 1 : 0;
            if (!sameLevel0 && firstDifference < 0) {
                firstDifference = t;
            }
        }
        if (firstDifference < 0 && codes.frames() != reference.frames()) {
            // equal as far as both go: the shorter one stopped first
            firstDifference = frames;
        }
        return new CodesRow(format, codes.frames(), equal, level0, firstDifference);
    }

    /** One timing of every stage on {@code valle}'s model, added to {@code samples} (a warm-up when null). */
    private void round(Valle valle, Map<String, List<Double>> samples) {
        ValleModel m = valle.model();
        SamplingPipeline pipeline = new SamplingPipeline(valle.plugins().samplers().all());
        InferenceSettings ar = InferenceSettings.fromKwargs(Map.of("max_duration", BenchCommand.STEP_SAMPLES + 2));
        StepClock clock = new StepClock(ar.maxDuration());
        ArLoop.run(m, in, ar, new Sampling(pipeline, ar.ar(), new SplittableRandom(1)), null, clock);
        InferenceSettings nar = InferenceSettings.fromKwargs(Map.of());
        double narLevel = BenchTimer.elapsed(() -> NarLoop.run(m, in, level0, 1, nar.narCfg(),
                new Sampling(pipeline, nar.nar(), new SplittableRandom(5))));
        double len = BenchTimer.elapsed(() -> BenchCommand.lenLoop(m, in));
        InferenceSettings oneStep = InferenceSettings.fromKwargs(Map.of("max_steps", 1));
        double narLenStep = BenchTimer.elapsed(() -> DemaskLoop.run(m, in, BenchCommand.OUTPUT_FRAMES, oneStep,
                new Sampling(pipeline, oneStep.narLen(), new SplittableRandom(7))));
        if (samples == null) {
            return;
        }
        // step k >= 1 feeds one row, as the bench's ar_step_early samples
        for (int i = 1; i <= BenchCommand.STEP_SAMPLES; i++) {
            samples.get("ar_step").add(clock.step(i));
        }
        samples.get("nar_level").add(narLevel);
        samples.get("len_loop").add(len);
        samples.get("narlen_step").add(narLenStep);
    }

    static void printTable(PrintWriter out, int threads, int rounds, List<Row> rows, List<CodesRow> codes) {
        List<Row> firstStage = rows.stream().filter(r -> r.stage().equals(STAGES.getFirst())).toList();
        out.printf(Locale.ROOT, "weights compared, %d threads, %d rounds taken in turn: median / min seconds, and the"
                + " median over %s's%n", threads, rounds, firstStage.getFirst().format().label());
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-12s", "stage"));
        firstStage.forEach(r -> head.append(String.format(Locale.ROOT, "  %-28s",
                r.format().label() + " (" + r.backend() + ")")));
        out.println(head.toString().stripTrailing());
        for (String stage : STAGES) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-12s", stage));
            for (Row r : rows) {
                if (r.stage().equals(stage)) {
                    line.append(String.format(Locale.ROOT, "  %8.4f / %8.4f  %5.3f×", r.times().median(),
                            r.times().min(), r.medianRatio()));
                }
            }
            out.println(line);
        }
        CodesRow first = codes.getFirst();
        out.printf(Locale.ROOT, "greedy AR+NAR codes (%d frames, every level) against %s's:%n", first.frames(),
                first.format().label());
        for (CodesRow c : codes.subList(1, codes.size())) {
            out.printf(Locale.ROOT, "  %-5s %d frames equal on every level, %d on level 0, %s%n", c.format().label(),
                    c.framesEqual(), c.level0Equal(), c.firstDifference() < 0 ? "level 0 all equal"
                            : "level 0 first differs at frame " + c.firstDifference());
        }
        out.flush();
    }

    static void printJson(PrintWriter out, int threads, int rounds, List<Row> rows, List<CodesRow> codes) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("threads", threads);
        json.put("rounds", rounds);
        json.put("compare_weights", rows.stream().filter(r -> r.stage().equals(STAGES.getFirst()))
                .map(r -> r.format().label()).toList());
        List<Object> list = new ArrayList<>();
        for (Row r : rows) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", r.stage());
            row.put("weight_dtype", r.format().label());
            row.put("backend", r.backend());
            row.put("min_s", r.times().min());
            row.put("median_s", r.times().median());
            row.put("reps", r.times().reps());
            row.put("median_over_first", r.medianRatio());
            list.add(row);
        }
        json.put("rows", list);
        List<Object> codeList = new ArrayList<>();
        for (CodesRow c : codes) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("weight_dtype", c.format().label());
            row.put("frames", c.frames());
            row.put("frames_equal", c.framesEqual());
            row.put("level0_equal", c.level0Equal());
            row.put("first_difference", c.firstDifference());
            codeList.add(row);
        }
        json.put("codes", codeList);
        out.println(JsonWriter.write(json));
        out.flush();
    }
}

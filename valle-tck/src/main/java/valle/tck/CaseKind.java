package valle.tck;

import java.nio.file.Path;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import valle.api.codec.Codes;
import valle.core.infer.ArLoop;
import valle.core.infer.DemaskLoop;
import valle.core.infer.DurationLoop;
import valle.core.infer.NarLoop;
import valle.core.load.NpyArray;
import valle.core.load.SafetensorsFile;
import valle.core.lora.LoraAdapter;
import valle.core.lora.LoraOptions;
import valle.core.model.ModelLayout;
import valle.core.model.ValleModel;
import valle.core.speech.InferenceSettings;

/**
 * The kinds of golden case, recognised by the prefix of the case folder's name; any other folder of a
 * variant with a {@code manifest.json} is reported as unsupported, never skipped.
 */
enum CaseKind {
    AR_FORWARD("ar_forward") {
        @Override
        void run(CaseRun run, GoldenFolder g, Check check) {
            ValleModel model = run.model();
            VariantInputs in = run.inputs();
            for (String name : g.arrayNames()) {
                if (name.endsWith("_resp_in")) {
                    String p = name.substring(0, name.length() - "resp_in".length());
                    int[] resp = g.array(name).orElseThrow().ints();
                    ForwardCheck.run(model, model.sequences().ar(in.text(), in.lang(), in.prompt(), resp), g, p, check);
                }
            }
        }
    },
    NAR_FORWARD("nar_forward") {
        private static final Pattern LEVEL = Pattern.compile("level(\\d+)_.*");

        @Override
        void run(CaseRun run, GoldenFolder g, Check check) {
            ValleModel model = run.model();
            VariantInputs in = run.inputs();
            TreeSet<Integer> levels = new TreeSet<>();
            for (String name : g.arrayNames()) {
                Matcher m = LEVEL.matcher(name);
                if (m.matches()) {
                    levels.add(Integer.parseInt(m.group(1)));
                }
            }
            if (in.response() == null) {
                check.fail("the variant's inputs have no resp_codes.npy");
                return;
            }
            for (int level : levels) {
                Codes resp = VariantInputs.firstLevels(in.response(), level);
                ForwardCheck.run(model, model.sequences().nar(in.text(), in.lang(), in.prompt(), resp, level), g,
                        "level" + level + "_", check);
            }
        }
    },
    LEN_INFERENCE("len_inference") {
        private static final Pattern STEP = Pattern.compile("step(\\d+)_.*");

        @Override
        void run(CaseRun run, GoldenFolder g, Check check) {
            ValleModel model = run.model();
            VariantInputs in = run.inputs();
            Optional<NpyArray> sequence = g.array("len_sequence");
            TreeSet<Integer> steps = new TreeSet<>();
            for (String name : g.arrayNames()) {
                Matcher m = STEP.matcher(name);
                if (m.matches()) {
                    steps.add(Integer.parseInt(m.group(1)));
                }
            }
            for (int step : steps) {
                int[] digits;
                if (step == 0) {
                    digits = new int[] {0};
                } else if (sequence.isPresent() && sequence.get().size() > step) {
                    digits = java.util.Arrays.copyOf(sequence.get().ints(), step + 1);
                } else {
                    check.fail("step" + step + ": the len tokens fed at that step are unknown (no len_sequence.npy)");
                    continue;
                }
                ForwardCheck.run(model, model.sequences().len(in.text(), in.lang(), in.prompt(), digits), g,
                        "step" + step + "_", check);
            }
            if (sequence.isEmpty() && g.value("predicted_len").isEmpty() && g.array("len_step_last_logits").isEmpty()) {
                return;
            }
            DurationLoop.Result duration = DurationLoop.predict(model, in.prompted());
            sequence.ifPresent(a -> check.ints("len_sequence", a, duration.tokens(), new int[] {duration.tokens().length}));
            g.array("len_step_last_logits").ifPresent(a -> check.floats("len_step_last_logits", a,
                    flatten(duration.stepLogits()), new int[] {duration.stepLogits().size(), ModelLayout.LEN_CLASSES}));
            g.value("predicted_len").ifPresent(v -> check.equal("predicted_len", ((Number) v).intValue(), duration.frames()));
            g.value("len_after_duration_padding").ifPresent(v -> check.equal("len_after_duration_padding",
                    ((Number) v).intValue(), (int) (duration.frames() * 1.05)));
        }
    },
    BACKBONE("backbone") {
        private static final Pattern STEPPED = Pattern.compile("step_prefill(\\d+)_last_hidden_state");

        @Override
        void run(CaseRun run, GoldenFolder g, Check check) {
            Optional<NpyArray> input = g.array("input_embeds");
            if (input.isEmpty()) {
                check.fail("the case has no input_embeds.npy");
                return;
            }
            BackboneForms forms = new BackboneForms(run.model().backbone(), input.get());
            // what the reference runs is the full-sequence form, whichever internal form computes it
            for (String full : new String[] {"full", "chunkwise512", "parallel"}) {
                g.array(full + "_last_hidden_state").ifPresent(a -> check.floats(full + "_last_hidden_state", a,
                        forms.full(), forms.shape(forms.rows())));
            }
            g.array("recurrent_last_hidden_state").ifPresent(a -> check.floats("recurrent_last_hidden_state", a,
                    forms.stepped(0), forms.shape(forms.rows())));
            for (String name : g.arrayNames()) {
                Matcher m = STEPPED.matcher(name);
                if (m.matches()) {
                    int prefill = Integer.parseInt(m.group(1));
                    check.floats(name, g.array(name).orElseThrow(), forms.stepped(prefill), forms.shape(forms.rows()));
                }
            }
            internals(g, forms, check);
            longSequence(run, g, check);
            lora(run, g, forms, check);
            // the short sample is the second sample of the padded batch when the case has one
            Optional<NpyArray> padded = g.array("padded_batch_input_embeds");
            BackboneForms first = padded.map(p -> forms.sample(p, 0)).orElse(forms);
            BackboneForms second = padded.map(p -> forms.sample(p, 1)).orElse(forms);
            g.array("short_last_hidden_state").ifPresent(a -> check.floats("short_last_hidden_state", a,
                    second.prefix(a.shape()[0]), forms.shape(a.shape()[0])));
            g.array("padded_batch_last_hidden_state").ifPresent(a -> {
                int shortRows = g.array("short_last_hidden_state").map(x -> x.shape()[0]).orElse(forms.rows());
                java.util.List<float[]> batch = first.batch(second, shortRows);
                // padding rows are meaningless: compare each sample's real rows
                check.floats("padded_batch_last_hidden_state[0]", BackboneForms.rows(a, 0, forms.rows()), batch.get(0),
                        forms.shape(forms.rows()));
                check.floats("padded_batch_last_hidden_state[1]", BackboneForms.rows(a, 1, shortRows), batch.get(1),
                        forms.shape(shortRows));
            });
        }
    },
    AR_NAR_INFERENCE("ar_nar_inference") {
        @Override
        void run(CaseRun run, GoldenFolder g, Check check) {
            InferenceSettings s = run.settings(g, "ar+nar");
            if (s.ar().temperature() > 0 || s.nar().temperature() > 0) {
                check.fail(SAMPLED);
                return;
            }
            ValleModel model = run.model();
            ArLoop.Result ar = ArLoop.run(model, run.inputs().prompted(), s, run.sampling(s.ar()));
            g.array("ar_sampled_tokens").ifPresent(a -> check.ints("ar_sampled_tokens", a, ar.sampled(), new int[] {ar.sampled().length}));
            g.array("ar_codes").ifPresent(a -> check.ints("ar_codes", a, ar.codes(), new int[] {ar.codes().length}));
            g.array("ar_last_step_logits").ifPresent(a -> check.floats("ar_last_step_logits", a, ar.lastLogits(),
                    new int[] {ar.lastLogits().length}));
            g.array("ar_sampled_logits").ifPresent(a -> check.floats("ar_sampled_logits", a, flatten(ar.sampledLogits()),
                    new int[] {ar.sampledLogits().size(), ar.lastLogits().length}));
            g.value("ar_steps_run").ifPresent(v -> check.equal("ar_steps_run", ((Number) v).intValue(), ar.sampled().length));
            g.value("ar_stopped").ifPresent(v -> check.equal("ar_stopped", v, ar.stopped()));
            checkNar(run, g, check, s, ar.codes());
        }
    },
    NAR_LEN_INFERENCE("nar_len_inference") {
        @Override
        void run(CaseRun run, GoldenFolder g, Check check) {
            InferenceSettings s = run.settings(g, "nar-len");
            if (s.narLen().temperature() > 0 || s.nar().temperature() > 0) {
                check.fail(SAMPLED);
                return;
            }
            Optional<Object> lenList = g.value("len_list");
            if (lenList.isEmpty()) {
                check.fail("the manifest has no len_list: the demasked length is unknown");
                return;
            }
            int requested = ((Number) ((java.util.List<?>) lenList.get()).getFirst()).intValue();
            int frames = Math.max(1, Math.min(requested, s.maxDuration()));
            DemaskLoop.Result r = DemaskLoop.run(run.model(), run.inputs().prompted(), frames, s, run.sampling(s.narLen()));
            int steps = r.stepInputs().size();
            g.value("demask_steps").ifPresent(v -> check.equal("demask_steps", ((Number) v).intValue(), steps));
            int[] traceShape = {steps, frames};
            g.array("demask_step_inputs").ifPresent(a -> check.ints("demask_step_inputs", a, flattenInts(r.stepInputs()), traceShape));
            g.array("demask_step_sampled").ifPresent(a -> check.ints("demask_step_sampled", a, flattenInts(r.stepSampled()), traceShape));
            g.array("demask_step_scores").ifPresent(a -> check.floats("demask_step_scores", a, flatten(r.stepScores()), traceShape, 1e-5));
            int classes = ModelLayout.AUDIO_TOKENS;
            g.array("step0_cond_logits").ifPresent(a -> check.floats("step0_cond_logits", a, r.step0Cond(), new int[] {frames, classes}));
            g.array("step0_null_logits").ifPresent(a -> check.floats("step0_null_logits", a, r.step0Null(), new int[] {frames, classes}));
            checkNar(run, g, check, s, r.codes());
        }
    },
    STT_INFERENCE("stt_inference") {
        @Override
        void run(CaseRun run, GoldenFolder g, Check check) {
            SttCase.run(run, g, check);
        }
    };

    static final String SAMPLED = "not supported: a sampled run (temperature > 0) draws from torch's random "
            + "stream, which no other implementation reproduces; greedy cases are compared exactly";

    private final String prefix;

    /** Per-layer outputs and router decisions, as the backbone reports them to a probe. */
    private static void internals(GoldenFolder g, BackboneForms forms, Check check) {
        Optional<NpyArray> layers = g.array("full_layer_outputs");
        Optional<NpyArray> logits = g.array("router_logits");
        Optional<NpyArray> chosen = g.array("router_selected_experts");
        Optional<NpyArray> weights = g.array("router_weights");
        if (layers.isEmpty() && logits.isEmpty() && chosen.isEmpty() && weights.isEmpty()) {
            return;
        }
        RecordingProbe probe = new RecordingProbe();
        forms.full(probe);
        layers.ifPresent(a -> check.floats("full_layer_outputs", a, flatten(probe.layerOutputs), a.shape()));
        logits.ifPresent(a -> check.floats("router_logits", a, flatten(probe.routerLogits), routed(probe, a)));
        chosen.ifPresent(a -> check.ints("router_selected_experts", a, flattenInts(probe.routerChosen), routed(probe, a)));
        weights.ifPresent(a -> check.floats("router_weights", a, flatten(probe.routerWeights), routed(probe, a)));
    }

    /** The golden's shape when the probe saw every layer's routing, else a shape that shows what it saw. */
    private static int[] routed(RecordingProbe probe, NpyArray golden) {
        int[] shape = golden.shape().clone();
        shape[0] = probe.routerLogits.size();
        return shape;
    }

    /** A sequence longer than a sliding window: the last rows of its full pass. */
    private static void longSequence(CaseRun run, GoldenFolder g, Check check) {
        Optional<NpyArray> input = g.array("long_input_embeds");
        Optional<NpyArray> tail = g.array("long_last_hidden_state_tail");
        if (input.isEmpty() || tail.isEmpty()) {
            return;
        }
        BackboneForms forms = new BackboneForms(run.model().backbone(), input.get());
        float[] full = forms.full();
        int rows = tail.get().shape()[0];
        int width = tail.get().shape()[1];
        float[] last = java.util.Arrays.copyOfRange(full, full.length - rows * width, full.length);
        check.floats("long_last_hidden_state_tail", tail.get(), last, new int[] {rows, width});
    }

    /**
     * The LoRA forms of a variant with a {@code lora.sft}: applied on the fly (with its per-layer outputs),
     * merged into the weights at load, switched off, and one adapter's update.
     */
    private static void lora(CaseRun run, GoldenFolder g, BackboneForms forms, Check check) {
        if (g.array("lora_last_hidden_state").isEmpty() && g.array("nolora_last_hidden_state").isEmpty()
                && g.array("merged_last_hidden_state").isEmpty() && g.array("layer0_q_proj_delta").isEmpty()) {
            return;
        }
        if (run.lora() == null) {
            check.fail("the case has LoRA arrays but the variant has no lora.sft");
            return;
        }
        int[] shape = forms.shape(forms.rows());
        g.array("lora_last_hidden_state").ifPresent(a -> {
            BackboneForms onTheFly = forms.on(run.load(new LoraOptions(run.lora(), false)).backbone());
            RecordingProbe probe = new RecordingProbe();
            check.floats("lora_last_hidden_state", a, onTheFly.full(probe), shape);
            g.array("lora_layer_outputs").ifPresent(l -> check.floats("lora_layer_outputs", l,
                    flatten(probe.layerOutputs), l.shape()));
        });
        g.array("merged_last_hidden_state").ifPresent(a -> check.floats("merged_last_hidden_state", a,
                forms.on(run.load(new LoraOptions(run.lora(), true)).backbone()).full(), shape));
        g.array("nolora_last_hidden_state").ifPresent(a -> check.floats("nolora_last_hidden_state", a,
                forms.on(run.load(null).backbone()).full(), shape));
        g.array("layer0_q_proj_delta").ifPresent(a -> {
            Path modelFile = run.lora().resolveSibling("model.sft");
            try (SafetensorsFile model = SafetensorsFile.open(modelFile);
                 LoraAdapter adapter = LoraAdapter.open(run.lora(), model)) {
                check.floats("layer0_q_proj_delta", a, adapter.delta("model.layers.0.self_attn.q_proj"), a.shape());
            }
        });
    }

    /**
     * The NAR levels after a level-0 loop (level-1 logits, processed logits per level), and the final codes
     * of the whole request through the facade, when the golden has them.
     */
    static void checkNar(CaseRun run, GoldenFolder g, Check check, InferenceSettings s, int[] level0) {
        NarLoop.Result nar = NarLoop.run(run.model(), run.inputs().prompted(), level0, s.maxLevels(), s.narCfg(),
                run.sampling(s.nar()));
        int frames = level0.length;
        int classes = ModelLayout.AUDIO_TOKENS;
        g.array("nar_level1_resp_logits").ifPresent(a -> check.floats("nar_level1_resp_logits", a, nar.level1Logits(),
                new int[] {frames, classes}));
        for (int level = 1; level <= nar.sampledLogits().size(); level++) {
            float[] processed = nar.sampledLogits().get(level - 1);
            String name = "nar_level" + level + "_sampled_logits";
            g.array(name).ifPresent(a -> check.floats(name, a, processed, new int[] {frames, classes}));
        }
        g.array("codes").ifPresent(a -> {
            Codes codes = run.generate(s);
            check.ints("codes", a, codes.data(), new int[] {codes.frames(), codes.levels()});
        });
    }

    static float[] flatten(java.util.List<float[]> rows) {
        int n = rows.stream().mapToInt(r -> r.length).sum();
        float[] out = new float[n];
        int at = 0;
        for (float[] r : rows) {
            System.arraycopy(r, 0, out, at, r.length);
            at += r.length;
        }
        return out;
    }

    static int[] flattenInts(java.util.List<int[]> rows) {
        return rows.stream().flatMapToInt(java.util.Arrays::stream).toArray();
    }

    CaseKind(String prefix) {
        this.prefix = prefix;
    }

    abstract void run(CaseRun run, GoldenFolder g, Check check);

    /** The kind of a case folder called {@code name}, by the longest matching prefix. */
    static Optional<CaseKind> of(String name) {
        CaseKind best = null;
        for (CaseKind k : values()) {
            if (name.startsWith(k.prefix) && (best == null || k.prefix.length() > best.prefix.length())) {
                best = k;
            }
        }
        return Optional.ofNullable(best);
    }
}

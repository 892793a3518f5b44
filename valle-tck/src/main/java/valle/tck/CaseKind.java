package valle.tck;

import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import valle.api.codec.Codes;
import valle.core.model.ValleModel;

/**
 * The kinds of golden case, recognised by the prefix of the case folder's name; any other folder of a
 * variant with a {@code manifest.json} is reported as unsupported, never skipped.
 */
enum CaseKind {
    AR_FORWARD("ar_forward") {
        @Override
        void run(ValleModel model, VariantInputs in, GoldenFolder g, Check check) {
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
        void run(ValleModel model, VariantInputs in, GoldenFolder g, Check check) {
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
        void run(ValleModel model, VariantInputs in, GoldenFolder g, Check check) {
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
            if (sequence.isPresent() || g.value("predicted_len").isPresent()) {
                check.fail("len_sequence: not supported: the duration loop is not built yet");
            }
        }
    },
    AR_NAR_INFERENCE("ar_nar_inference") {
        @Override
        void run(ValleModel model, VariantInputs in, GoldenFolder g, Check check) {
            check.fail("not supported: the AR and NAR inference loops are not built yet");
        }
    },
    NAR_LEN_INFERENCE("nar_len_inference") {
        @Override
        void run(ValleModel model, VariantInputs in, GoldenFolder g, Check check) {
            check.fail("not supported: the NAR-len demasking loop is not built yet");
        }
    };

    private final String prefix;

    CaseKind(String prefix) {
        this.prefix = prefix;
    }

    abstract void run(ValleModel model, VariantInputs in, GoldenFolder g, Check check);

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

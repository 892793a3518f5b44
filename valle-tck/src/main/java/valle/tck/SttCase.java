package valle.tck;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import valle.api.codec.Codes;
import valle.core.infer.SttLoop;
import valle.core.model.ValleModel;
import valle.core.speech.InferenceSettings;
import valle.core.speech.SttDecoding;
import valle.core.text.PhonemeDecoder;

/**
 * A speech-to-text case ({@code stt_inference*}): one greedy run of the reference's {@code stt} task on the case's
 * speech codes. Compared when the folder has them: the first and last steps' sequences (embeddings, positions,
 * segments, causality) and the first step's hidden state and logits; every step's last-row logits (and, with a
 * sampler stage that changes them, the rows the pick saw), the sampled ids, the output ids, steps run, whether it
 * stopped, and the decoded text exactly as {@code TTS.inference} returned it. An array the manifest lists that this
 * kind does not know fails the case rather than being skipped.
 */
final class SttCase {
    private static final Set<String> KNOWN = Set.of("input_codes", "lang", "step0_inputs_embeds", "step0_position_ids",
            "step0_last_hidden_state", "step0_logits", "step_logits", "step_sampled_logits", "sampled_tokens",
            "text_ids", "last_step_inputs_embeds", "last_step_position_ids");

    private SttCase() {
    }

    static void run(CaseRun run, GoldenFolder g, Check check) {
        for (String listed : g.listedArrays()) {
            if (!KNOWN.contains(listed)) {
                check.fail(listed + ".npy: not compared (an array this case kind does not know)");
            }
        }
        Optional<Codes> speech = g.array("input_codes").map(VariantInputs::codes)
                .or(() -> g.sibling("inputs").array("codes_" + g.dir().getFileName()).map(VariantInputs::codes));
        if (speech.isEmpty()) {
            check.fail("the case has no input_codes.npy (nor inputs/codes_<case>.npy)");
            return;
        }
        int lang = g.array("lang").map(a -> a.ints()[0])
                .or(() -> g.sibling("inputs").array("lang_" + g.dir().getFileName()).map(a -> a.ints()[0])).orElse(0);
        InferenceSettings s = run.settings(g, "auto");
        if (s.ar().temperature() > 0) {
            check.fail(CaseKind.SAMPLED);
            return;
        }
        ValleModel model = run.model();
        Codes codes = speech.get();
        ForwardCheck.run(model, model.sequences().stt(codes, lang, new int[] {SttLoop.BOS}), g, "step0_", check);

        SttLoop.Result r = SttLoop.run(model, codes, lang, s, run.sampling(s.ar()));
        int steps = r.sampled().length;
        if (g.array("last_step_inputs_embeds").isPresent() || g.array("last_step_position_ids").isPresent()) {
            // the final step fed <bos> and every id sampled before its own
            int[] fed = new int[steps];
            fed[0] = SttLoop.BOS;
            System.arraycopy(r.sampled(), 0, fed, 1, steps - 1);
            ForwardCheck.run(model, model.sequences().stt(codes, lang, fed), g, "last_step_", check);
        }
        int classes = model.heads().classes("stt");
        g.array("step_logits").ifPresent(a -> check.floats("step_logits", a, CaseKind.flatten(r.stepLogits()),
                new int[] {steps, classes}));
        g.array("step_sampled_logits").ifPresent(a -> check.floats("step_sampled_logits", a,
                CaseKind.flatten(r.sampledLogits()), new int[] {steps, classes}));
        g.array("sampled_tokens").ifPresent(a -> check.ints("sampled_tokens", a, r.sampled(), new int[] {steps}));
        g.array("text_ids").ifPresent(a -> check.ints("text_ids", a, r.textIds(), new int[] {r.textIds().length}));
        g.value("steps_run").ifPresent(v -> check.equal("steps_run", ((Number) v).intValue(), steps));
        g.value("stopped").ifPresent(v -> check.equal("stopped", v, r.stopped()));
        PhonemeDecoder decoder = PhonemeDecoder.bundled();
        boolean aliased = g.value("aliased_ids_in_output").map(v -> !((List<?>) v).isEmpty()).orElse(false);
        if (aliased) {
            // the reference picked one of several strings per process; the ids above are what is exact
            return;
        }
        g.value("decoded_raw").ifPresent(v -> check.equal("decoded_raw", v, decoder.byteLevel(r.textIds())));
        g.value("decoded_text").ifPresent(v -> check.equal("decoded_text", v,
                decoder.decode(r.textIds(), SttDecoding.REFERENCE)));
    }
}

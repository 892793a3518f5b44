package valle.tck;

import java.util.Optional;
import valle.api.codec.Codes;
import valle.core.infer.VoiceConversion;
import valle.core.load.NpyArray;
import valle.core.speech.InferenceSettings;

/**
 * A voice-conversion case ({@code vc_inference*}): the variant's text, prompt and language said as long as the case's
 * {@code source_codes}, with the reference's {@code vc_threshold} and {@code vc_mask_p} (the manifest's values), and
 * the final codes compared exactly. The reference's first step ranks equal scores in torch's own tie order, which
 * decides where each source frame lands; the case replays the order it recorded ({@code masked_indices}, one row per
 * step, padded with -1), so that everything else is compared bit for bit. Random source masking cannot be replayed:
 * a case with {@code vc_mask_p > 0} fails as not supported.
 */
final class VoiceConversionCase {
    private VoiceConversionCase() {
    }

    static void run(CaseRun run, GoldenFolder g, Check check) {
        Optional<NpyArray> source = g.array("source_codes");
        if (source.isEmpty()) {
            check.fail("the case has no source_codes.npy");
            return;
        }
        float threshold = g.value("vc_threshold").map(v -> ((Number) v).floatValue()).orElse(VoiceConversion.DEFAULT_THRESHOLD);
        float maskP = g.value("vc_mask_p").map(v -> ((Number) v).floatValue()).orElse(VoiceConversion.DEFAULT_MASK_P);
        if (maskP > 0) {
            check.fail("not supported: vc_mask_p " + maskP + " masks the source with torch's random stream, which no "
                    + "other implementation reproduces; record the case with vc_mask_p 0");
            return;
        }
        InferenceSettings s = run.settings(g, "nar-len");
        if (s.narLen().temperature() > 0 || s.nar().temperature() > 0) {
            check.fail(CaseKind.SAMPLED);
            return;
        }
        Codes src = VariantInputs.codes(source.get());
        VoiceConversion.MaskOrder order = g.array("masked_indices").<VoiceConversion.MaskOrder>map(VoiceConversionCase::replay)
                .orElse(VoiceConversion.MaskOrder.HIGHEST_FIRST);
        Codes codes = run.convert(s, new VoiceConversion(src.level(0), threshold, maskP, order));
        g.array("codes").ifPresent(a -> check.ints("codes", a, codes.data(), new int[] {codes.frames(), codes.levels()}));
        g.value("demask_steps").ifPresent(v -> check.equal("demask_steps", ((Number) v).intValue(),
                (int) Math.floor(s.maxSteps() * ((double) s.denoiseEnd() - s.denoiseStart()))));
    }

    /** The recorded order of each step; a step that asks for more positions than were recorded fails. */
    private static VoiceConversion.MaskOrder replay(NpyArray recorded) {
        int steps = recorded.shape()[0];
        int width = recorded.shape()[1];
        int[] all = recorded.ints();
        return (step, scores, n) -> {
            if (step >= steps) {
                throw new IllegalStateException("step " + step + " has no recorded masked_indices (" + steps + " steps)");
            }
            int[] row = java.util.Arrays.copyOfRange(all, step * width, step * width + n);
            if (n > width || java.util.Arrays.stream(row).anyMatch(i -> i < 0)) {
                throw new IllegalStateException("step " + step + " masks " + n + " positions, more than the golden recorded");
            }
            return row;
        };
    }
}

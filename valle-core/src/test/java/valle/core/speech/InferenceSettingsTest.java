package valle.core.speech;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import valle.api.sample.SamplerSettings;

class InferenceSettingsTest {

    @Test
    void omittedKeysTakeTheReferenceFunctionDefaultsQuirksIncluded() {
        InferenceSettings s = InferenceSettings.referenceDefaults();
        assertEquals(1.0f, s.ar().temperature());
        // the NAR falls through to sample()'s default temperature 1.0, with top-nσ switched on
        assertEquals(1.0f, s.nar().temperature());
        assertEquals(1.0f, s.nar().topNSigma());
        // demasking reads the ar_ temperature, whose function default there is 0
        assertEquals(0.0f, s.narLen().temperature());
        assertEquals(0.7f, s.arCfg().rescale());
        assertEquals(0.75f, s.narLenCfg().rescale());
        assertEquals(500, s.maxDuration());
        assertEquals(25, s.maxSteps());
        assertEquals(Modality.AUTO, s.modality());
    }

    @Test
    void prefixedKeysOverrideTheSharedOnesForTheirPassesOnly() {
        InferenceSettings s = InferenceSettings.fromKwargs(Map.of("temperature", 0.5, "ar_temperature", 0.9,
                "nar_top_k", 20, "top_k", 5, "min_nar_temperature", 0.2));
        assertEquals(0.9f, s.ar().temperature());
        assertEquals(0.9f, s.narLen().temperature());
        assertEquals(0.5f, s.nar().temperature());
        assertEquals(5, s.ar().topK());
        assertEquals(20, s.nar().topK());
        assertEquals(0.2f, s.nar().minTemperature());
        assertEquals(-1f, s.ar().minTemperature());
    }

    @Test
    void theDemaskingSwitchesOfTheReferenceAreHonoured() {
        InferenceSettings s = InferenceSettings.fromKwargs(Map.of("denoise_end", 0.5, "minimum_cfg_strength", 3.0,
                "annealed_sampling", false, "remasking", false, "min_duration", 4, "duration_padding", 1.2,
                "ar_max_duration", 77));
        assertEquals(0.5f, s.denoiseEnd());
        assertEquals(3.0f, s.minimumCfgStrength());
        assertEquals(false, s.annealedSampling());
        assertEquals(false, s.remasking());
        assertEquals(4, s.minDuration());
        assertEquals(1.2, s.durationPadding());
        // forward_ar and forward_nar_masked read max_duration after stripping ar_
        assertEquals(77, s.maxDuration());
        InferenceSettings defaults = InferenceSettings.referenceDefaults();
        assertTrue(defaults.annealedSampling() && defaults.remasking());
        assertEquals(2.5f, defaults.minimumCfgStrength());
        assertThrows(IllegalArgumentException.class,
                () -> InferenceSettings.fromKwargs(Map.of("denoise_start", 0.6, "denoise_end", 0.5)));
    }

    @Test
    void theWebUiDefaultsAreGreedyForTheNar() {
        InferenceSettings s = InferenceSettings.webUiDefaults();
        assertEquals(0f, s.nar().temperature());
        assertEquals(0f, s.nar().topNSigma());
        assertEquals(1f, s.narCfg().strength());
        assertEquals(50, s.maxSteps());
        assertEquals(900, s.maxDuration());
    }

    @Test
    void unknownOrMalformedSettingsAreRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InferenceSettings.fromKwargs(Map.of("ar_temprature", 1.0)));
        assertTrue(e.getMessage().contains("ar_temprature"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> InferenceSettings.fromKwargs(Map.of("top_p", "lots")));
        assertTrue(e.getMessage().contains("top_p"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> InferenceSettings.fromKwargs(Map.of("top_p", 0.0)));
        assertThrows(IllegalArgumentException.class, () -> InferenceSettings.fromKwargs(Map.of("modality", "fast")));
        assertThrows(IllegalArgumentException.class,
                () -> InferenceSettings.fromKwargs(Map.of("entropix_sampling", true)));
    }

    @Test
    void theBuilderStartsAtTheReferenceDefaultsAndChangesOnlyWhatItIsTold() {
        assertEquals(InferenceSettings.referenceDefaults(), InferenceSettings.builder().build());
        InferenceSettings web = InferenceSettings.webUiDefaults();
        InferenceSettings seeded = web.toBuilder().seed(7).maxDuration(60).build();
        assertEquals(7, seeded.seed());
        assertEquals(60, seeded.maxDuration());
        assertEquals(web, seeded.toBuilder().seed(web.seed()).maxDuration(web.maxDuration()).build());
        assertThrows(IllegalArgumentException.class, () -> web.toBuilder().maxSteps(0).build());
    }

    @Test
    void samplerOptionsReachThePassesTheirKeysName() {
        InferenceSettings all = InferenceSettings.builder().samplerOption("mirostat", "tau", "4.5").build();
        for (var pass : java.util.List.of(all.ar(), all.nar(), all.narLen())) {
            assertEquals(4.5, pass.doubleOption("mirostat", "tau", 0));
        }
        // as flat kwargs: a dotted key is an option; ar_ / nar_ prefixes limit it to those passes
        InferenceSettings kw = InferenceSettings.fromKwargs(Map.of("mirostat.tau", 4.5, "ar_mirostat.m", 100));
        assertEquals(Map.of("mirostat.tau", "4.5", "mirostat.m", "100"), kw.ar().options());
        assertEquals(kw.ar().options(), kw.narLen().options());
        assertEquals(Map.of("mirostat.tau", "4.5"), kw.nar().options());
    }

    @Test
    void aSamplerOptionOutlivesAPassSetAfterIt() {
        InferenceSettings s = InferenceSettings.builder().samplerOption("mirostat", "tau", "4.5")
                .ar(SamplerSettings.builder().temperature(0.7f).build()).build();
        assertEquals(4.5, s.ar().doubleOption("mirostat", "tau", 0));
        assertEquals(0.7f, s.ar().temperature());
        assertThrows(IllegalArgumentException.class, () -> InferenceSettings.builder().samplerOption("", "k", "v"));
    }
}

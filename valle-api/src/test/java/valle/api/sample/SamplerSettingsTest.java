package valle.api.sample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SamplerSettingsTest {

    @Test
    void theBuilderStartsGreedyWithEveryStageOff() {
        SamplerSettings s = SamplerSettings.builder().build();
        assertEquals(SamplerSettings.greedy(), s);
        assertEquals(0f, s.temperature());
        assertEquals(-1f, s.minTemperature());
        assertEquals(1f, s.topP());
        assertEquals(1f, s.repetitionPenalty());
        assertEquals(Map.of(), s.options());
    }

    @Test
    @SuppressWarnings("deprecation")
    void theConstructorOfTheReferencesStagesStillBuildsTheSameSettings() {
        SamplerSettings old = new SamplerSettings(0.7f, -1f, 20, 0.9f, 0f, 0f, 1.2f, 0f, 0f, 0f, 1.75f, 2);
        assertEquals(SamplerSettings.builder().temperature(0.7f).topK(20).topP(0.9f).repetitionPenalty(1.2f).build(),
                old);
        assertEquals(Map.of(), old.options());
    }

    @Test
    void toBuilderChangesOnlyWhatItIsTold() {
        SamplerSettings s = SamplerSettings.builder().temperature(0.7f).topK(20).dryMultiplier(0.8f)
                .option("mirostat", "tau", "4.5").build();
        SamplerSettings t = s.toBuilder().topP(0.9f).build();
        assertEquals(0.9f, t.topP());
        assertEquals(s, t.toBuilder().topP(1f).build());
        SamplerSettings hot = s.withTemperature(1.5f);
        assertEquals(1.5f, hot.temperature());
        assertEquals(s.options(), hot.options(), "annealing keeps the stages' options");
        assertEquals(20, hot.topK());
    }

    @Test
    void aStageReadsItsOptionsByItsName() {
        SamplerSettings s = SamplerSettings.builder().option("mirostat", "tau", "4.5").option("mirostat", "m", "100")
                .option("other", "tau", "9").build();
        assertEquals(Optional.of("4.5"), s.option("mirostat", "tau"));
        assertEquals(4.5, s.doubleOption("mirostat", "tau", 5.0));
        assertEquals(100, s.intOption("mirostat", "m", 1));
        assertEquals(5.0, s.doubleOption("mirostat", "eta", 5.0), "an option not given takes the fallback");
        assertEquals(Optional.empty(), s.option("nosuch", "tau"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SamplerSettings.builder().option("mirostat", "tau", "high").build().doubleOption("mirostat", "tau", 5));
        assertTrue(e.getMessage().contains("mirostat.tau") && e.getMessage().contains("high"), e.getMessage());
    }

    @Test
    void optionsAreImmutableAndNamedSamplerDotKey() {
        Map<String, String> given = new HashMap<>(Map.of("mirostat.tau", "4.5"));
        SamplerSettings s = SamplerSettings.builder().options(given).build();
        given.put("mirostat.eta", "0.1");
        assertEquals(Map.of("mirostat.tau", "4.5"), s.options());
        assertThrows(UnsupportedOperationException.class, () -> s.options().put("a.b", "c"));
        for (String bad : new String[] {"tau", ".tau", "mirostat."}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SamplerSettings.builder().options(Map.of(bad, "1")).build());
            assertTrue(e.getMessage().contains("sampler.key"), e.getMessage());
        }
    }

    @Test
    void theBuilderValidatesAsTheRecordDoes() {
        assertThrows(IllegalArgumentException.class, () -> SamplerSettings.builder().topP(0f).build());
        assertThrows(IllegalArgumentException.class, () -> SamplerSettings.builder().temperature(-1f).build());
    }
}

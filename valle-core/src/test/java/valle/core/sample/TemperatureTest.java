package valle.core.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static valle.core.sample.Fixtures.NEG_INF;
import static valle.core.sample.Fixtures.input;
import static valle.core.sample.Fixtures.row;
import static valle.core.sample.Fixtures.settings;

import org.junit.jupiter.api.Test;
import valle.api.sample.SamplingInput;

/**
 * Expected values are those of the reference ({@code logit / temperature}, resp. {@code dynamic_temperature} with
 * k = 10, centre 0.5) on the same rows.
 */
class TemperatureTest {
    private final Temperature stage = new Temperature();

    private SamplingInput apply(float[][] rows, float temperature, float minTemperature) {
        SamplingInput in = input(rows, new int[0], false, settings().temperature(temperature, minTemperature));
        stage.apply(in);
        return in;
    }

    @Test
    void describesItself() {
        assertEquals("temperature", stage.name());
        assertEquals(500, stage.order());
        assertTrue(stage.availability().ok());
        assertTrue(stage.enabled(settings().temperature(0.7f, -1f).build()));
        assertFalse(stage.enabled(settings().temperature(0f, -1f).build()));
        assertFalse(stage.enabled(settings().temperature(0f, 0f).build()));
        // dynamic temperature runs even at temperature 0
        assertTrue(stage.enabled(settings().temperature(0f, 0.5f).build()));
    }

    @Test
    void dividesByTheTemperature() {
        SamplingInput in = apply(new float[][] {{4, -2, 1, NEG_INF}}, 2f, -1f);
        assertArrayEquals(new float[] {2, -1, 0.5f, NEG_INF}, row(in, 0), 0f);
        // a minimum within 0.001 of the temperature is the plain division too
        assertArrayEquals(new float[] {2, -1, 0.5f}, row(apply(new float[][] {{4, -2, 1}}, 2f, 2.0005f), 0), 0f);
    }

    @Test
    void dynamicTemperatureFollowsTheTopProbabilityOfEachRow() {
        // T = 1, T_min = 0.5. p_max 0.5 -> T_dyn 0.75; p_max 1 -> 1 - 0.5/(1 + e^-5); a softer row in between
        SamplingInput in = apply(new float[][] {{3, 3, NEG_INF}, {0, NEG_INF, NEG_INF}, {2, 1, 0}}, 1f, 0.5f);
        assertArrayEquals(new float[] {4, 4, NEG_INF}, row(in, 0), 0f);
        assertArrayEquals(new float[] {0, NEG_INF, NEG_INF}, row(in, 1), 0f);
        assertArrayEquals(new float[] {3.4459484f, 1.7229742f, 0f}, row(in, 2), 0f);
    }

    @Test
    void dynamicTemperatureAlsoRunsAtTemperatureZero() {
        SamplingInput in = apply(new float[][] {{3, 3}, {2, 1}}, 0f, 0.5f);
        assertArrayEquals(new float[] {12, 12}, row(in, 0), 0f);
        assertArrayEquals(new float[] {4.3968124f, 2.1984062f}, row(in, 1), 0f);
    }

    @Test
    void theEpsilonTestUsesTheDecimalSettingsAsPythonDoes() {
        // Python: abs(1.0 - 0.999) = 0.0010000000000000009 >= 0.001 -> dynamic; 1f - 0.999f would be below it
        SamplingInput in = apply(new float[][] {{3, 3}}, 1f, 0.999f);
        assertArrayEquals(new float[] {3.0015008f, 3.0015008f}, row(in, 0), 0f);
    }
}

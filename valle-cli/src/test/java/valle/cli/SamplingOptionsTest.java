package valle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import valle.core.speech.InferenceSettings;

class SamplingOptionsTest {

    @Test
    void theFlagsDefaultsAreTheReferenceCommandLinesKwargs() {
        SamplingOptions options = new SamplingOptions();
        new CommandLine(options).parseArgs();
        // the server starts from the same kwargs, so speak and serve agree for a seed
        assertEquals(InferenceSettings.fromKwargs(InferenceSettings.commandLineKwargs()), options.settings());
    }
}

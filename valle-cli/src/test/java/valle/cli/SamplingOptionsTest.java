package valle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void samplerOptionsReachEveryPass() {
        SamplingOptions options = new SamplingOptions();
        new CommandLine(options).parseArgs("--sampler-option", "mirostat.tau=4.5", "--sampler-option", "mirostat.m=100");
        InferenceSettings s = options.settings();
        for (var pass : java.util.List.of(s.ar(), s.nar(), s.narLen())) {
            assertEquals(4.5, pass.doubleOption("mirostat", "tau", 0));
            assertEquals(100, pass.intOption("mirostat", "m", 0));
        }
        SamplingOptions bare = new SamplingOptions();
        new CommandLine(bare).parseArgs("--sampler-option", "top_k=5");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, bare::settings);
        assertTrue(e.getMessage().contains("SAMPLER.KEY=VALUE"), e.getMessage());
    }
}

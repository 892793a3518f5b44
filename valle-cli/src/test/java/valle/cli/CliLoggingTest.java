package valle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CliLoggingTest {
    private static final String LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";
    private static final String VALLE = "org.slf4j.simpleLogger.log.valle";

    @Test
    void warningsAndErrorsByDefaultWithoutThePluginChoices() {
        Map<String, String> p = CliLogging.properties(List.of("speak", "Hello.", "--out", "x.wav"));
        assertEquals("warn", p.get(LEVEL));
        assertNull(p.get(VALLE));
        assertEquals("error", p.get("org.slf4j.simpleLogger.log.ai.djl.util.cuda"));
        assertEquals("System.err", p.get("org.slf4j.simpleLogger.logFile"));
    }

    @Test
    void verboseShowsValleDebugAndTheLibrariesInfo() {
        Map<String, String> p = CliLogging.properties(List.of("speak", "Hello.", "--verbose"));
        assertEquals("info", p.get(LEVEL));
        assertEquals("debug", p.get(VALLE));
    }

    @Test
    void quietShowsErrorsOnly() {
        assertEquals("error", CliLogging.properties(List.of("speak", "Hello.", "--quiet")).get(LEVEL));
        assertEquals("error", CliLogging.properties(List.of("speak", "-q", "Hello.")).get(LEVEL));
    }

    @Test
    void verboseWinsOverQuiet() {
        assertEquals("info", CliLogging.properties(List.of("speak", "-q", "--verbose", "Hello.")).get(LEVEL));
    }

    @Test
    void wordsAfterTheEndOfOptionsAreText() {
        Map<String, String> p = CliLogging.properties(List.of("speak", "--", "--verbose"));
        assertEquals("warn", p.get(LEVEL));
        assertNull(p.get(VALLE));
    }
}

package valle.text.espeak;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EspeakLibraryTest {

    @Test
    void aMissingLibraryIsReportedWithTheInstallCommand() {
        EspeakLibrary.Loaded loaded = EspeakLibrary.load("/nonexistent/libespeak-ng.so.1");
        EspeakLibrary.Missing missing = assertInstanceOf(EspeakLibrary.Missing.class, loaded);
        assertTrue(missing.reason().contains("espeak-ng not found (tried /nonexistent/libespeak-ng.so.1)"), missing.reason());
        assertTrue(missing.fix().contains("apt-get install espeak-ng"), missing.fix());
    }

    @Test
    void aFileThatIsNotEspeakIsReportedNotCrashed() {
        // libc loads fine but has none of espeak's functions
        EspeakLibrary.Loaded loaded = EspeakLibrary.load("libc.so.6");
        EspeakLibrary.Missing missing = assertInstanceOf(EspeakLibrary.Missing.class, loaded);
        assertTrue(missing.reason().contains("has no function espeak_Initialize"), missing.reason());
    }
}

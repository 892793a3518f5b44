package valle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code VmHWM} read from a status file's lines, as the kernel writes them. */
class PeakResidentSetTest {

    @Test
    void theHighWaterMarkIsReadInBytes() {
        List<String> status = List.of("Name:\tjava", "VmPeak:\t 9876543 kB", "VmSize:\t 9000000 kB",
                "VmHWM:\t  123456 kB", "VmRSS:\t  100000 kB", "Threads:\t23");
        assertEquals(123456L * 1024, PeakResidentSet.parse(status));
    }

    @Test
    void aStatusWithoutTheLineGivesMinusOne() {
        assertEquals(-1, PeakResidentSet.parse(List.of("Name:\tjava", "VmRSS:\t 100 kB")));
    }

    @Test
    void anUnexpectedUnitIsRefusedNamingTheLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PeakResidentSet.parse(List.of("VmHWM:\t 12 MB")));
        assertTrue(e.getMessage().contains("VmHWM:\t 12 MB"), e.getMessage());
    }

    @Test
    void thisProcessHasHeldAtLeastItsHeap() {
        long peak = PeakResidentSet.bytes();
        if (System.getProperty("os.name").startsWith("Linux")) {
            long heap = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
            assertTrue(peak > heap / 2 && peak > 10 << 20, "peak " + peak + ", heap in use " + heap);
        } else {
            assertEquals(-1, peak);
        }
    }
}

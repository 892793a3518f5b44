package valle.tck;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import valle.api.attention.AttentionKernel;
import valle.core.Valle;

/** The kernel TCK for every attention kernel on the test path. */
class KernelConformanceTest {

    @TestFactory
    Stream<DynamicTest> everyDiscoveredKernelPassesTheKernelTck() {
        try (Valle valle = Valle.builder().build()) {
            // an empty discovery would make this factory pass vacuously
            assertTrue(valle.plugins().attentionKernels().all().size() >= 3, "sdpa, flash and mem-efficient must be found");
            return valle.plugins().attentionKernels().all().stream()
                    .flatMap((AttentionKernel k) -> KernelConformance.run(k, r -> { }).stream())
                    .map(r -> DynamicTest.dynamicTest(r.path(), () -> assertTrue(r.passed(), r.line())))
                    .toList().stream();
        }
    }
}

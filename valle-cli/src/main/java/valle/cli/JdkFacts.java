package valle.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import valle.kit.matrix.PackedMatrix;
import valle.kit.vector.VectorApi;

/**
 * The JDK {@code valle doctor} runs on: its version and vendor, and whether the Vector API is resolved. Without
 * {@code jdk.incubator.vector} the Java kernels take their scalar loops: slower, never wrong, so it is no
 * problem for {@code speak}.
 */
final class JdkFacts {
    private JdkFacts() {
    }

    static DoctorSection section() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("version", Runtime.version().toString());
        facts.put("vendor", System.getProperty("java.vendor"));
        facts.put("home", System.getProperty("java.home"));
        facts.put("vector_api", VectorApi.present());
        // the width of FloatVector.SPECIES_PREFERRED, which the matrix kernels are built on; 0 without the Vector API
        facts.put("vector_bits", PackedMatrix.vectorBits());
        if (!VectorApi.present()) {
            facts.put("fix", "run java with --add-modules jdk.incubator.vector (./valle does) for the vector kernels");
        }
        return new DoctorSection("jdk", facts);
    }
}

package valle.tck;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import valle.core.model.ReferenceGaps;

/**
 * Case folders recorded from components of a backbone the reference cannot build as a model (its
 * {@code transformer} stack): their manifest names the arch in {@code values.component_config.arch_type}.
 * They are reported as skipped with the reason, never run and never counted as passed.
 */
final class UnbuildableCases {
    private UnbuildableCases() {
    }

    /** Why the case in {@code dir} is skipped, if it is one of those. */
    static Optional<String> reason(Path dir) {
        if (!Files.isRegularFile(dir.resolve("manifest.json"))) {
            return Optional.empty();
        }
        return new GoldenFolder(dir).value("component_config")
                .filter(c -> c instanceof Map<?, ?> m && m.get("arch_type") instanceof String)
                .flatMap(c -> ReferenceGaps.cannotBuild((String) ((Map<?, ?>) c).get("arch_type")));
    }
}

package valle.cli;

import picocli.CommandLine.Option;

/**
 * The {@code --backend} choice of the commands that run plugins for a user ({@code speak}, {@code serve},
 * {@code encode}, {@code decode}): handed to {@code Valle.builder().backend(...)}, which falls back to
 * {@code -Dvalle.backend}, {@code VALLE_BACKEND} and {@code auto}.
 */
final class BackendOption {
    @Option(names = "--backend", paramLabel = "NAME",
            description = "Compute backend: java, onnx, djl or auto (default: auto, the fastest available; "
                    + "-Dvalle.backend or VALLE_BACKEND).")
    String name;
}

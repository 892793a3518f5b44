package valle.core;

import java.nio.file.Path;

/**
 * What a {@link Valle} instance is built with: the checkpoint (or none) and the plugin names (a name or
 * {@code null} for the {@code -Dvalle.*} / {@code VALLE_*} / {@code auto} chain), and the backend the plugins
 * are chosen on ({@code null}: the same chain).
 */
record ValleSettings(Path model, String arch, String attention, String phonemizer, String backend) {
}

package valle.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import valle.api.plugin.Availability;
import valle.api.text.Phonemizer;
import valle.core.plugin.Plugins;

/**
 * espeak-ng as the {@code espeak} phonemizer sees it: found or missing (with the plugin's reason and fix), the
 * version its description names, the setting that points at the library, and the file the process mapped
 * (read from {@code /proc/self/maps}, on Linux, once the plugin has loaded it).
 */
final class EspeakFacts {
    static final String PLUGIN = "espeak";
    /** The settings that point at the library, as valle-text reads them. */
    static final String PROPERTY = "valle.espeak.library";
    static final String ENVIRONMENT = "VALLE_ESPEAK_LIBRARY";
    private static final Pattern VERSION = Pattern.compile("espeak-ng (\\d[\\w.-]*)");

    private EspeakFacts() {
    }

    static DoctorSection section(Plugins plugins) {
        Map<String, Object> facts = new LinkedHashMap<>();
        Phonemizer espeak = plugins.phonemizers().all().stream().filter(p -> p.name().equals(PLUGIN)).findFirst().orElse(null);
        String configured = Setting.lookup(PROPERTY, ENVIRONMENT);
        facts.put("setting", configured == null ? "none: the dynamic linker's search path (libespeak-ng.so.1)"
                : configured + " (-D" + PROPERTY + " / " + ENVIRONMENT + ")");
        if (espeak == null) {
            facts.put("status", "missing");
            facts.put("reason", "no espeak phonemizer plugin on the module path");
            facts.put("fix", "put valle-text on the module path (./valle does)");
            return new DoctorSection("espeak_ng", facts);
        }
        Availability a = espeak.availability();
        facts.put("status", a.ok() ? "found" : "missing");
        if (a.ok()) {
            Matcher version = VERSION.matcher(espeak.description());
            facts.put("version", version.find() ? version.group(1) : "unknown");
            facts.put("library", mappedLibrary());
            facts.put("plugin", espeak.description());
        } else {
            facts.put("reason", a.reason());
            facts.put("fix", a.fix());
            facts.put("without_it", "speak --phonemes IPA still works; text input does not");
        }
        return new DoctorSection("espeak_ng", facts);
    }

    /** The path of the libespeak-ng this process mapped, or "unknown" where the mappings cannot be read. */
    private static String mappedLibrary() {
        try (var lines = Files.lines(Path.of("/proc/self/maps"))) {
            return lines.map(l -> l.substring(l.lastIndexOf(' ') + 1)).filter(p -> p.contains("libespeak-ng"))
                    .findFirst().orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}

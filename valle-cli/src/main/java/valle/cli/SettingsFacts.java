package valle.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import valle.api.codec.Codec;
import valle.core.plugin.Plugins;
import valle.core.text.TextLimits;
import valle.kit.thread.ThreadCount;

/**
 * Where models and weights are looked for and how the plugins are chosen: each {@code -Dvalle.*} property and
 * {@code VALLE_*} variable (docs/cli.md), the flags that override it, and the value in force now.
 */
final class SettingsFacts {
    private SettingsFacts() {
    }

    static DoctorSection section(Plugins plugins) {
        List<Setting> settings = new ArrayList<>();
        settings.add(new Setting("model", "--model", null, null, "the bundled tiny model"));
        Map<String, Codec> codecs = new TreeMap<>();
        plugins.codecs().all().forEach(c -> codecs.putIfAbsent(c.name(), c));
        codecs.forEach((name, codec) -> settings.add(new Setting(name + " weights",
                (codec.canEncode() ? "--codec, " : "") + (codec.canDecode() ? "--vocoder, " : "") + "--weights",
                CodecOpener.propertyKey(name), CodecOpener.environmentName(name),
                "the bundled " + name + " weights with no --model, else none")));
        settings.add(new Setting("backend", "--backend", "valle.backend", "VALLE_BACKEND", "auto"));
        for (String kind : List.of("arch", "attention", "phonemizer", "codec")) {
            settings.add(new Setting(kind, "--" + kind, "valle." + kind, "VALLE_" + kind.toUpperCase(java.util.Locale.ROOT),
                    "auto"));
        }
        settings.add(new Setting("threads", "--threads (bench)", ThreadCount.PROPERTY, ThreadCount.ENVIRONMENT,
                Runtime.getRuntime().availableProcessors() + " (the processors)"));
        settings.add(new Setting("weight format", "--weight-dtype", "valle.weights", "VALLE_WEIGHTS",
                "file (each tensor's dtype in the checkpoint)"));
        settings.add(new Setting("espeak library", null, EspeakFacts.PROPERTY, EspeakFacts.ENVIRONMENT,
                "the dynamic linker's search path"));
        settings.add(new Setting("text limit", null, TextLimits.PROPERTY, TextLimits.ENVIRONMENT,
                TextLimits.DEFAULT_MAX_CHARS + " characters"));
        settings.add(new Setting("bundled files", null, "valle.golden", null, "none (./valle sets it)"));
        settings.add(new Setting("extra plugins", null, null, "VALLE_PLUGINS", "none"));
        settings.add(new Setting("JVM options", null, null, "VALLE_JAVA_OPTS", "none"));
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("in_force", settings.stream().map(Setting::row).toList());
        return new DoctorSection("settings", facts);
    }
}

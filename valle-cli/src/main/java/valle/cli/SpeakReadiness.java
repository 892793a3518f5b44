package valle.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import valle.api.PluginNotFoundException;
import valle.core.plugin.CodecRole;
import valle.core.plugin.Plugins;

/**
 * {@code valle doctor}'s verdict: what {@code speak "text"} needs and cannot find here, each with its fix. It needs
 * a runnable provider of every plugin kind (the phonemizer among them: plain text goes through espeak-ng, so a
 * missing espeak-ng is a problem although {@code speak --phonemes} works without it), the {@code llama} arch of
 * the bundled and published models, and a codec that decodes. Slower paths (no Vector API) and the bundled
 * defaults ({@code --model} replaces them) are not needed.
 */
record SpeakReadiness(List<Problem> problems) {

    /** Something missing and the fix that provides it. */
    record Problem(String what, String fix) {
    }

    SpeakReadiness {
        problems = List.copyOf(problems);
    }

    static SpeakReadiness of(Plugins plugins, List<PluginRow> rows) {
        List<Problem> problems = new ArrayList<>();
        Map<String, List<PluginRow>> byKind = rows.stream()
                .collect(Collectors.groupingBy(PluginRow::kind, LinkedHashMap::new, Collectors.toList()));
        byKind.forEach((kind, providers) -> {
            if (providers.stream().noneMatch(p -> p.availability().ok())) {
                problems.add(new Problem("no " + kind + " can run here: " + providers.stream()
                        .map(p -> p.name() + ": " + p.availability().reason()).collect(Collectors.joining("; ")),
                        providers.stream().map(p -> p.availability().fix()).filter(f -> !f.isBlank()).distinct()
                                .collect(Collectors.joining("; "))));
            }
        });
        for (String kind : List.of("arch", "attention kernel", "codec", "sampler", "phonemizer")) {
            if (!byKind.containsKey(kind)) {
                problems.add(new Problem("no " + kind + " plugin was found", "run through ./valle, which puts every"
                        + " plugin module on the module path"));
            }
        }
        if (problems.isEmpty()) {
            check(problems, () -> plugins.archs().get("llama"), "the llama arch of the published models cannot run");
            check(problems, () -> CodecRole.DECODE.choose(plugins.codecs(), "auto"), "no codec can turn codes into audio");
        }
        return new SpeakReadiness(problems);
    }

    boolean ready() {
        return problems.isEmpty();
    }

    DoctorSection section() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("ready_for_speak", ready());
        facts.put("missing", problems.stream().map(p -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("what", p.what());
            m.put("fix", p.fix());
            return (Object) m;
        }).toList());
        return new DoctorSection("verdict", facts);
    }

    private static void check(List<Problem> problems, Runnable choice, String what) {
        try {
            choice.run();
        } catch (PluginNotFoundException e) {
            problems.add(new Problem(what + ": " + e.getMessage(), "see ./valle plugins"));
        }
    }
}

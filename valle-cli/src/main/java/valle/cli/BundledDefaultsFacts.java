package valle.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/** Whether {@code speak} without {@code --model} finds the {@linkplain BundledDefaults bundled} tiny model and codecs. */
final class BundledDefaultsFacts {
    private BundledDefaultsFacts() {
    }

    static DoctorSection section() {
        Map<String, Object> facts = new LinkedHashMap<>();
        try {
            BundledDefaults d = BundledDefaults.locate();
            facts.put("status", "found (random weights: the speech is noise)");
            facts.put("model", d.model().toString());
            facts.put("codec", d.codec().toString());
            facts.put("vocoder", d.vocoder().toString());
        } catch (IllegalStateException e) {
            // not needed for speak --model: reported, never fatal
            facts.put("status", "missing");
            facts.put("reason", e.getMessage());
        }
        return new DoctorSection("bundled_defaults", facts);
    }
}

package valle.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether the {@linkplain BundledDefaults bundled} tiny model and codecs are here: what {@code speak} and {@code serve}
 * without {@code --model}, and {@code encode}, {@code decode} and {@code check} without weights, run on.
 */
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
            facts.put("used_by", "speak and serve without --model; encode, decode and check without weights");
        } catch (IllegalStateException e) {
            // not needed for speak --model: reported, never fatal
            facts.put("status", "missing");
            facts.put("reason", e.getMessage());
        }
        return new DoctorSection("bundled_defaults", facts);
    }
}

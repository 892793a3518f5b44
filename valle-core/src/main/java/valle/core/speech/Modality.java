package valle.core.speech;

import java.util.Locale;
import valle.api.Stable;

/** How level 0 is produced: autoregressively, or by duration prediction and demasking. */
@Stable(since = "0.1")
public enum Modality {
    /** The reference's rule (§6.3): {@code ar+nar} for a model named exactly "ar+nar", else NAR-len when the model can. */
    AUTO,
    /** Level 0 by the AR loop, levels 1..7 by NAR passes. */
    AR_NAR,
    /** Duration by the {@code len} loop, level 0 by demasking, levels 1..7 by NAR passes. */
    NAR_LEN;

    /** Parses the reference's spellings: {@code auto}, {@code ar+nar}, {@code nar-len}. */
    public static Modality parse(String s) {
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "auto" -> AUTO;
            case "ar+nar" -> AR_NAR;
            case "nar-len" -> NAR_LEN;
            default -> throw new IllegalArgumentException("unknown modality '" + s + "': use auto, ar+nar or nar-len");
        };
    }

    /** The reference's spelling: {@code auto}, {@code ar+nar}, {@code nar-len}. */
    public String label() {
        return switch (this) {
            case AUTO -> "auto";
            case AR_NAR -> "ar+nar";
            case NAR_LEN -> "nar-len";
        };
    }
}

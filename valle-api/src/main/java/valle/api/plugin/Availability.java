package valle.api.plugin;

import java.util.Objects;
import valle.api.Stable;

/**
 * Whether a plugin can run here. When it cannot, {@code reason} says why and {@code fix} what to do
 * ("needs the Vector API" / "run with --add-modules jdk.incubator.vector"); both are empty when it can.
 */
@Stable(since = "0.1")
public record Availability(boolean ok, String reason, String fix) {
    private static final Availability YES = new Availability(true, "", "");

    public Availability {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(fix, "fix");
        if (!ok && reason.isBlank()) {
            throw new IllegalArgumentException("an unavailable plugin must say why");
        }
    }

    /** The plugin can run. */
    public static Availability yes() {
        return YES;
    }

    /** The plugin cannot run, because of {@code reason}; {@code fix} says what makes it runnable. */
    public static Availability no(String reason, String fix) {
        return new Availability(false, reason, fix);
    }

    /** "available", or the reason followed by the fix, for listings and error messages. */
    @Override
    public String toString() {
        if (ok) {
            return "available";
        }
        return fix.isBlank() ? reason : reason + " (" + fix + ")";
    }
}

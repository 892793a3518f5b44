package valle.api;

import java.util.List;

/**
 * A plugin was asked for by a name no discovered provider has, or {@code auto} found no available provider.
 * The message lists what exists and, for unavailable providers, why they cannot run and how to fix it.
 */
@Stable(since = "0.1")
public class PluginNotFoundException extends ValleException {
    private static final long serialVersionUID = 1L;
    private final String kind;
    private final String requested;
    private final List<String> known;

    public PluginNotFoundException(String kind, String requested, List<String> known, String message) {
        super(message);
        this.kind = kind;
        this.requested = requested;
        this.known = List.copyOf(known);
    }

    /** The plugin kind asked for, e.g. {@code "attention kernel"}. */
    public String kind() {
        return kind;
    }

    /** The name asked for ({@code "auto"} when no provider could be chosen automatically). */
    public String requested() {
        return requested;
    }

    /** Every name discovered for the kind, available or not, sorted. */
    public List<String> known() {
        return known;
    }
}

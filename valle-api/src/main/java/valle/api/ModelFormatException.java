package valle.api;

/**
 * A model, weight or data file is malformed, truncated, hostile or of a layout valle does not know. The
 * message names the file and the problem; nothing partially loaded is kept.
 */
@Stable(since = "0.1")
public class ModelFormatException extends ValleException {
    private static final long serialVersionUID = 1L;

    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}

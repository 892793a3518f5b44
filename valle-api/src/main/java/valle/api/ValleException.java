package valle.api;

/**
 * The base of every exception valle throws on purpose. Its message says what went wrong, where (file,
 * tensor, plugin) and what to do about it.
 */
@Stable(since = "0.1")
public class ValleException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ValleException(String message) {
        super(message);
    }

    public ValleException(String message, Throwable cause) {
        super(message, cause);
    }
}

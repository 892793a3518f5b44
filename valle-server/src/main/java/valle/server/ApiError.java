package valle.server;

/**
 * A request the server refuses, with its HTTP status and OpenAI's error type; answered in OpenAI's shape,
 * {@code {"error": {"message": …, "type": …, "param": …, "code": …}}}, where {@code param} names the body field
 * that is wrong ({@code null} when no one field is).
 */
final class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final Integer retryAfterSeconds;
    private final String param;

    ApiError(int status, String type, String message) {
        this(status, type, message, null);
    }

    ApiError(int status, String type, String message, Integer retryAfterSeconds) {
        this(status, type, message, retryAfterSeconds, null);
    }

    private ApiError(int status, String type, String message, Integer retryAfterSeconds, String param) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.retryAfterSeconds = retryAfterSeconds;
        this.param = param;
    }

    static ApiError badRequest(String message) {
        return new ApiError(400, "invalid_request_error", message);
    }

    /** A 400 for the body field {@code param}, as OpenAI names it in its errors. */
    static ApiError badParam(String param, String message) {
        return new ApiError(400, "invalid_request_error", message, null, param);
    }

    static ApiError notFound(String message) {
        return new ApiError(404, "not_found_error", message);
    }

    static ApiError tooLarge(String message) {
        return new ApiError(413, "invalid_request_error", message);
    }

    int status() {
        return status;
    }

    String type() {
        return type;
    }

    /** The body field that is wrong, or {@code null}. */
    String param() {
        return param;
    }

    /** Seconds a client should wait before trying again (429, 503), or {@code null}. */
    Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}

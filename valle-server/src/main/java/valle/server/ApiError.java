package valle.server;

/**
 * A request the server refuses, with its HTTP status and OpenAI's error type; answered as
 * {@code {"error": {"message": …, "type": …}}}.
 */
final class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final Integer retryAfterSeconds;

    ApiError(int status, String type, String message) {
        this(status, type, message, null);
    }

    ApiError(int status, String type, String message, Integer retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    static ApiError badRequest(String message) {
        return new ApiError(400, "invalid_request_error", message);
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

    /** Seconds a client should wait before trying again (429, 503), or {@code null}. */
    Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}

package valle.server;

import io.javalin.http.Context;
import io.javalin.http.UploadedFile;

/**
 * The file of a multipart request, read so that a malformed body is the client's 4xx: Jetty's multipart parser
 * refuses one with a {@code ServletException}, which would otherwise reach the client as a 500.
 */
final class MultipartUpload {
    private MultipartUpload() {
    }

    /**
     * The form's file field {@code field}, or {@code null} when the form has none; the other fields are parsed with
     * it, so that {@code ctx.formParam} reads them afterwards.
     *
     * @param fields the fields the endpoint takes, named in the error (e.g. {@code "'file' and 'name'"})
     * @throws ApiError 400 for a malformed body, 413 for a body sent without its length (chunked) that passes the
     *     server's limit
     */
    static UploadedFile file(Context ctx, String field, String fields, long maxBodyBytes) {
        try {
            return ctx.uploadedFile(field);
        } catch (Exception e) { // Javalin (Kotlin) passes Jetty's checked ServletException on undeclared
            // the rest of a refused body is never read, so Jetty drops the connection after the answer: say so,
            // lest the client send its next request on it
            ctx.header("Connection", "close");
            String why = ValleServer.rootMessage(e).replaceAll("\\s+", " ");
            if (why.contains("max length exceeded")) {
                throw ApiError.tooLarge("the request body is larger than " + maxBodyBytes + " bytes");
            }
            throw ApiError.badRequest("the body is not a valid multipart form with fields " + fields + ": " + why);
        }
    }
}

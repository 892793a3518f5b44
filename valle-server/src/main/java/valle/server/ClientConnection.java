package valle.server;

import io.javalin.http.Context;
import java.io.IOException;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.util.Callback;

/**
 * Whether a request's client is still there, asked before each pass so that a client that left frees its scheduler
 * slot at the next tick instead of when the next sentence fails to send. HTTP/1.1 gives no sign of a closed peer
 * until something is read, and Jetty reads nothing while a request is handled, so this watches the connection for
 * readability: end of stream means the client left. Bytes a client sends meanwhile (a pipelined request) cannot be
 * put back, so a watched response closes its connection ({@code Connection: close}). Without Jetty underneath, the
 * client counts as present.
 */
final class ClientConnection {
    private final EndPoint endPoint;
    private volatile boolean gone;

    private ClientConnection(EndPoint endPoint) {
        this.endPoint = endPoint;
    }

    static ClientConnection watch(Context ctx) {
        ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
        if (request == null) {
            return new ClientConnection(null);
        }
        ClientConnection c = new ClientConnection(request.getConnectionMetaData().getConnection().getEndPoint());
        request.addFailureListener(t -> c.gone = true);
        ctx.header("Connection", "close");
        c.await();
        return c;
    }

    /** Asks to be told when the connection has something to read: the end of the stream, when the client left. */
    private void await() {
        // false when the connection is already watched by Jetty itself, which then fails the request on a close
        endPoint.tryFillInterested(Callback.from(this::readable, t -> gone = true));
    }

    private void readable() {
        try {
            int n = endPoint.fill(BufferUtil.allocate(1));
            if (n < 0) {
                gone = true;
            } else if (n == 0) {
                await();
            }
        } catch (IOException e) {
            gone = true;
        }
    }

    boolean gone() {
        return gone || endPoint != null && !endPoint.isOpen();
    }
}

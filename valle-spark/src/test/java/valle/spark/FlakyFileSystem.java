package valle.spark;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.util.Progressable;

/**
 * The local disk as {@code flaky:///…}, whose storage breaks once: the first file created whose name holds
 * {@link #FAIL_ONCE} gets half its bytes written, then the write fails, as a full disk or a lost connection does.
 */
public final class FlakyFileSystem extends RawLocalFileSystem {
    static final String FAIL_ONCE = ".r03.wav.";
    static final AtomicInteger FAILURES = new AtomicInteger();

    @Override
    public URI getUri() {
        return URI.create("flaky:///");
    }

    @Override
    public String getScheme() {
        return "flaky";
    }

    @Override
    public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
                                     Progressable progress) throws IOException {
        FSDataOutputStream real = super.create(f, overwrite, bufferSize, replication, blockSize, progress);
        if (!f.getName().contains(FAIL_ONCE) || FAILURES.get() > 0) {
            return real;
        }
        return new FSDataOutputStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                real.write(b, off, len / 2);
                real.flush();
                FAILURES.incrementAndGet();
                throw new IOException("injected: the storage failed half way through " + f);
            }

            @Override
            public void close() throws IOException {
                real.close();
            }
        }, null);
    }
}

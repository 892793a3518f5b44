/** The {@code valle} command line. Talks to the facade and the conformance kit, and
 * (bench only) to the kit's matrix kernels; never to a plugin. */
module valle.cli {
    requires valle.core;
    requires valle.tck;
    requires valle.server;
    requires info.picocli;
    requires java.management;
    // load: a load test of a running server over HTTP
    requires java.net.http;
    // doctor: the machine's memory where /proc/meminfo is not there
    requires jdk.management;
    // bench times the kit's matrix kernels on their own; the tests read the commands' JSON with the kit's reader
    requires valle.kit;

    opens valle.cli to info.picocli;
}

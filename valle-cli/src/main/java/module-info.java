/** The {@code valle} command line. Talks to the facade and the conformance kit only. */
module valle.cli {
    requires valle.core;
    requires valle.tck;
    requires valle.server;
    requires info.picocli;
    requires java.logging;

    opens valle.cli to info.picocli;
}

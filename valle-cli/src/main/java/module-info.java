/** The {@code valle} command line. Talks to the facade and the conformance kit, and
 * (bench only) to the llama plugin's kernels. */
module valle.cli {
    requires valle.core;
    // the tests read the JSON that commands print with the kit's reader
    requires valle.kit;
    requires valle.tck;
    requires valle.server;
    requires info.picocli;
    requires java.logging;
    requires java.management;
    // bench times the kernels the llama plugin exports to it alone
    requires valle.arch.llama;

    opens valle.cli to info.picocli;
}

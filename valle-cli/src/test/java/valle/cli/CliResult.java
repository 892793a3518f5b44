package valle.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** What a command line run through {@link Main#run(String[], PrintWriter, PrintWriter)} left: exit code, stdout, stderr. */
record CliResult(int code, String out, String err) {

    static CliResult run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliResult(code, out.toString(), err.toString());
    }
}

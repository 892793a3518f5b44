package valle.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * What {@code -V/--version} prints on every command: valle's version, taken from the build (the pom's version,
 * filtered into {@code version.properties}), and the JDK it runs on.
 */
final class ValleVersion implements IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {"valle " + version(),
            "JDK " + Runtime.version() + " (" + System.getProperty("java.vendor") + ", " + System.getProperty("java.home") + ")",
            "OS " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch")};
    }

    /** The version the build wrote into {@code version.properties}. */
    static String version() {
        try (InputStream in = ValleVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("version.properties is missing from valle-cli; rebuild it (./mvnw install)");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read valle-cli's version.properties: " + e.getMessage(), e);
        }
    }
}

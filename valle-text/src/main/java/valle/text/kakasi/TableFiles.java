package valle.text.kakasi;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Reads the bundled pykakasi data files, which sit beside these classes as resources. */
final class TableFiles {
    private TableFiles() {
    }

    /** The lines of a resource, {@code .gz} ones uncompressed; comment lines ({@code ;;}) and blank lines left out. */
    static List<String> lines(String resource) {
        try (InputStream raw = TableFiles.class.getResourceAsStream(resource)) {
            if (raw == null) {
                throw new IllegalStateException("the valle-text jar lacks its resource " + resource
                        + ": rebuild valle-text");
            }
            InputStream in = resource.endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw;
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
            List<String> lines = new ArrayList<>();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String stripped = line.strip();
                if (!stripped.isEmpty() && !stripped.startsWith(";;")) {
                    lines.add(stripped);
                }
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the valle-text resource " + resource, e);
        }
    }

    /**
     * The escapes pykakasi's dictionary builder decodes ({@code decode_escapes} of {@code src/kakasidict.py}):
     * the data files use {@code \\uXXXX} and {@code \\UXXXXXXXX} only; any other escape is refused.
     */
    static String decodeEscapes(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '\\') {
                out.append(c);
                i++;
                continue;
            }
            char kind = i + 1 < s.length() ? s.charAt(i + 1) : ' ';
            int digits = switch (kind) {
                case 'u' -> 4;
                case 'U' -> 8;
                case 'x' -> 2;
                default -> throw new IllegalStateException("unsupported escape in pykakasi data: " + s);
            };
            out.appendCodePoint(Integer.parseInt(s.substring(i + 2, i + 2 + digits), 16));
            i += 2 + digits;
        }
        return out.toString();
    }
}

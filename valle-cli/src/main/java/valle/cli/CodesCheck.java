package valle.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import valle.api.codec.Codes;
import valle.core.load.CodesFile;

/** {@code valle check} of a code matrix ({@code .npy} or {@code .enc}): read as {@code valle decode} reads it. */
final class CodesCheck implements FileCheck {
    /** EnCodec 24 kHz frames per second: what the codes of every VALL-E model count in. */
    private static final double FRAMES_PER_SECOND = 75;

    @Override
    public String kind() {
        return "codes";
    }

    @Override
    public List<String> check(Path file) {
        Codes codes = CodesFile.read(file);
        int min = Integer.MAX_VALUE;
        int max = Integer.MIN_VALUE;
        for (int c : codes.data()) {
            min = Math.min(min, c);
            max = Math.max(max, c);
        }
        return List.of(String.format(Locale.ROOT, "[%d, %d] (frames x levels) = %.2f s at 75 Hz, codes %d..%d",
                codes.frames(), codes.levels(), codes.frames() / FRAMES_PER_SECOND, min, max));
    }
}

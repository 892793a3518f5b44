package valle.cli;

import java.io.PrintWriter;
import valle.core.speech.SpeechChunk;
import valle.core.speech.SpeechListener;

/**
 * Progress of {@code valle speak} on stderr: a line per sentence, and for its stages a bar redrawn in place
 * on a terminal, or a line per stage when stderr goes to a file or pipe (no {@code \r} noise in logs). Silent
 * with {@code --quiet}.
 */
final class SpeakProgress implements SpeechListener {
    private static final int WIDTH = 30;
    private final PrintWriter err;
    private final boolean quiet;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private String stage = "";
    private boolean barShown;

    SpeakProgress(PrintWriter err, boolean quiet, boolean terminal) {
        this.err = err;
        this.quiet = quiet;
        this.terminal = terminal;
    }

    @Override
    public void sentenceStarted(int index, int count, String text) {
        if (!quiet) {
            endBar();
            err.printf("[%6.1fs] sentence %d/%d: %s%n", elapsed(), index + 1, count, abbreviate(text));
            err.flush();
        }
    }

    @Override
    public void stage(String what) {
        stage = what;
        if (terminal) {
            draw(0, 0);
        } else if (!quiet) {
            err.printf("[%6.1fs]   %s%n", elapsed(), what);
            err.flush();
        }
    }

    @Override
    public void step(int done, int total) {
        if (terminal) {
            draw(done, total);
        }
    }

    @Override
    public void sentence(SpeechChunk chunk) {
        if (!quiet) {
            endBar();
            err.printf("[%6.1fs]   %d frames (%s), %.2f s of audio; codes %.2f s, audio %.2f s%n", elapsed(),
                    chunk.codes().frames(), chunk.modality().label(), chunk.seconds(),
                    chunk.generateTime().toNanos() / 1e9, chunk.decodeTime().toNanos() / 1e9);
            err.flush();
        }
    }

    /** Ends the bar's line so that the next message starts on its own. */
    void endBar() {
        if (barShown) {
            err.println();
            barShown = false;
        }
    }

    private void draw(int done, int total) {
        if (quiet) {
            return;
        }
        int filled = total == 0 ? 0 : (int) ((long) WIDTH * done / total);
        String bar = total == 0 ? "" : "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + done + "/" + total;
        err.printf("\r[%6.1fs]   %-26s %-45s", elapsed(), stage, bar);
        err.flush();
        barShown = true;
    }

    private double elapsed() {
        return (System.nanoTime() - start) / 1e9;
    }

    private static String abbreviate(String text) {
        return text.length() <= 70 ? text : text.substring(0, 67) + "...";
    }
}

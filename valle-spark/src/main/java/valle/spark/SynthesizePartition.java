package valle.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.regex.Pattern;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import valle.core.speech.Speech;
import valle.core.speech.SpeechRequest;

/**
 * A task's work: each request row of its partition becomes a WAV file in the output folder and a manifest row.
 * The executor's model is loaded by the first task that needs it ({@link ExecutorModels}). A row whose previous
 * manifest entry is {@code ok} and whose file exists is skipped; a row the model refuses (no text, an unknown voice,
 * a setting out of range) becomes an {@code error} entry and the others go on. What fails the task instead, so that
 * Spark retries it, is the storage: a file that cannot be written is not the row's fault.
 */
final class SynthesizePartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    /** Ids become file names: letters, digits, '-', '_' and '.', not starting with '.' (hidden) and not too long. */
    private static final Pattern FILE_SAFE_ID = Pattern.compile("[A-Za-z0-9_\\-][A-Za-z0-9_.\\-]{0,199}");

    static final String PREVIOUS_FILE = RowRequest.INTERNAL_PREFIX + "file";
    static final String PREVIOUS_FRAMES = RowRequest.INTERNAL_PREFIX + "frames";
    static final String PREVIOUS_SECONDS = RowRequest.INTERNAL_PREFIX + "seconds";

    private final SynthesisOptions options;
    private final LongAccumulator synthesized;

    /** @param synthesized counts the rows synthesized, or {@code null} */
    SynthesizePartition(SynthesisOptions options, LongAccumulator synthesized) {
        this.options = options;
        this.synthesized = synthesized;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) throws IOException {
        OutputFolder folder = new OutputFolder(options.output(), OutputFolder.executorConfiguration());
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public Row next() {
                try {
                    return synthesize(rows.next(), folder);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write to " + options.output() + ": " + e.getMessage(), e);
                }
            }
        };
    }

    private Row synthesize(Row row, OutputFolder folder) throws IOException {
        String id = RowRequest.id(row);
        if (id == null || !FILE_SAFE_ID.matcher(id).matches()) {
            return Manifest.error(id == null ? "" : id, "the id " + (id == null ? "is missing" : "'" + id + "' cannot name a file")
                    + ": use letters, digits, '-', '_' and '.' (not first), at most 200");
        }
        String file = OutputFolder.fileName(id);
        String previous = row.getAs(PREVIOUS_FILE);
        if (previous != null && folder.exists(previous)) {
            return Manifest.ok(id, previous, row.<Integer>getAs(PREVIOUS_FRAMES), row.<Double>getAs(PREVIOUS_SECONDS));
        }
        LoadedModel model = ExecutorModels.get(options.model());
        Speech speech;
        try {
            SpeechRequest request = RowRequest.of(row, options.sampling(), model, options.voices());
            speech = model.valle().speak(request);
        } catch (RuntimeException e) {
            return Manifest.error(id, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        folder.write(file, speech.wav());
        if (synthesized != null) {
            synthesized.add(1);
        }
        return Manifest.ok(id, file, speech.codes().frames(), speech.seconds());
    }
}

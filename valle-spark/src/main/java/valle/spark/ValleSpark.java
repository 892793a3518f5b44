package valle.spark;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * Batch synthesis on Apache Spark: a table of requests in, one WAV file per row and a manifest out.
 *
 * <pre>{@code
 * Dataset<Row> requests = spark.read().option("header", "true").csv("sentences.csv");  // id, text[, voice, seed, ...]
 * Dataset<Row> manifest = ValleSpark.synthesize(requests, SynthesisOptions.builder()
 *         .model("models/ar+nar-len-llama-8.sft").vocoder("models/vocos").codec("models/encodec")
 *         .voices("voices").output("hdfs:///tts/book").build());
 * manifest.filter("status = 'error'").show();
 * }</pre>
 *
 * <p>Each executor loads the model once and shares it among its tasks. Reruns are incremental: a row whose manifest
 * entry says {@code ok} and whose file exists is not synthesized again, so a job that was stopped, or whose rows
 * partly failed, is finished by running it again.
 */
public final class ValleSpark {
    private ValleSpark() {
    }

    /**
     * Synthesizes every request not done yet, replaces the manifest in {@code <output>/manifest}, and returns it.
     *
     * @param requests a table with {@code id} (unique; it names the file) and {@code text}, optionally {@code voice}
     *                 (a name in the voices folder), {@code language} ({@code en} by default), {@code seed} and
     *                 any other sampling setting of {@code valle speak} by its kwarg name ({@code ar_temperature},
     *                 {@code max_duration}, …); each row is one task's unit of work, so partition it for the
     *                 cluster's cores
     * @return the manifest: {@code id, file, frames, seconds, status, error}
     * @throws IllegalArgumentException for missing or unknown columns, or ids that appear more than once
     */
    public static Dataset<Row> synthesize(Dataset<Row> requests, SynthesisOptions options) {
        return synthesize(requests, options, null);
    }

    /** As {@link #synthesize(Dataset, SynthesisOptions)}, counting the rows synthesized (retried attempts included). */
    static Dataset<Row> synthesize(Dataset<Row> requests, SynthesisOptions options, LongAccumulator synthesized) {
        RowRequest.checkColumns(requests.schema());
        SparkSession spark = requests.sparkSession();
        Dataset<Row> rows = requests.withColumn(RowRequest.ID, col(RowRequest.ID).cast("string"));
        refuseRepeatedIds(rows);
        Dataset<Row> previous = Manifest.previous(spark, options);
        if (previous != null) {
            // the done ids go to every task whole, keeping the requests' own partitioning (a shuffle would let Spark
            // merge a million small rows into a few partitions, and the cluster's cores would sit idle)
            Dataset<Row> done = previous.filter(col("status").equalTo(Manifest.OK)).select(
                    col("id").as(RowRequest.INTERNAL_PREFIX + "id"), col("file").as(SynthesizePartition.PREVIOUS_FILE),
                    col("frames").as(SynthesizePartition.PREVIOUS_FRAMES), col("seconds").as(SynthesizePartition.PREVIOUS_SECONDS));
            rows = rows.join(broadcast(done), col(RowRequest.ID).equalTo(col(RowRequest.INTERNAL_PREFIX + "id")), "left")
                    .drop(RowRequest.INTERNAL_PREFIX + "id");
        } else {
            rows = rows.withColumn(SynthesizePartition.PREVIOUS_FILE, org.apache.spark.sql.functions.lit(null).cast("string"))
                    .withColumn(SynthesizePartition.PREVIOUS_FRAMES, org.apache.spark.sql.functions.lit(null).cast("int"))
                    .withColumn(SynthesizePartition.PREVIOUS_SECONDS, org.apache.spark.sql.functions.lit(null).cast("double"));
        }
        Dataset<Row> manifest = rows.mapPartitions(new SynthesizePartition(options, synthesized), Encoders.row(Manifest.SCHEMA));
        Manifest.replace(spark, manifest, options);
        try {
            OutputFolder.sweep(options.output(), spark.sparkContext().hadoopConfiguration());
        } catch (IOException e) {
            throw new UncheckedIOException("the speech is written, but the temporary files in " + options.output()
                    + " could not be removed: " + e.getMessage(), e);
        }
        return Manifest.read(spark, options);
    }

    private static void refuseRepeatedIds(Dataset<Row> rows) {
        List<Row> repeated = rows.groupBy(RowRequest.ID).count().filter(col("count").gt(1)).limit(5).collectAsList();
        if (!repeated.isEmpty()) {
            throw new IllegalArgumentException("ids name the files, so each must be unique; repeated: "
                    + repeated.stream().map(r -> r.get(0) + " (" + r.getLong(1) + " times)").toList());
        }
    }
}

package valle.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The manifest table: one row per request, saying which file holds its speech or why there is none. It lives in
 * {@code <output>/manifest} and is replaced whole at the end of each run: written under a temporary name beside it,
 * then swapped in, so a run that fails leaves the previous manifest as it was.
 */
final class Manifest {
    static final String FOLDER = "manifest";
    /** A manifest being written: swapped in when complete. */
    static final String STAGED_PREFIX = "_" + FOLDER + "-";
    static final String OK = "ok";
    static final String ERROR = "error";

    /** id, file (relative to the output folder), frames, seconds, status ({@code ok} or {@code error}), error. */
    static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.StringType, false)
            .add("file", DataTypes.StringType, true)
            .add("frames", DataTypes.IntegerType, true)
            .add("seconds", DataTypes.DoubleType, true)
            .add("status", DataTypes.StringType, false)
            .add("error", DataTypes.StringType, true);

    private Manifest() {
    }

    static Row ok(String id, String file, int frames, double seconds) {
        return RowFactory.create(id, file, frames, seconds, OK, null);
    }

    static Row error(String id, String message) {
        return RowFactory.create(id, null, null, null, ERROR, message);
    }

    /** The previous run's manifest in {@code options}' output folder, or {@code null} when there is none. */
    static Dataset<Row> previous(SparkSession spark, SynthesisOptions options) {
        Path folder = new Path(options.output(), FOLDER);
        return exists(spark, folder) ? read(spark, options) : null;
    }

    static Dataset<Row> read(SparkSession spark, SynthesisOptions options) {
        String folder = new Path(options.output(), FOLDER).toString();
        return switch (options.manifestFormat()) {
            case PARQUET -> spark.read().schema(SCHEMA).parquet(folder);
            case CSV -> spark.read().schema(SCHEMA).option("header", "true").csv(folder);
        };
    }

    /** Writes {@code manifest} (running the job) beside the current one, then swaps it in. */
    static void replace(SparkSession spark, Dataset<Row> manifest, SynthesisOptions options) {
        Path target = new Path(options.output(), FOLDER);
        Path staged = new Path(options.output(), STAGED_PREFIX + UUID.randomUUID());
        switch (options.manifestFormat()) {
            case PARQUET -> manifest.write().mode(SaveMode.ErrorIfExists).parquet(staged.toString());
            case CSV -> manifest.write().mode(SaveMode.ErrorIfExists).option("header", "true").csv(staged.toString());
        }
        try {
            FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (fs.exists(target) && !fs.delete(target, true)) {
                throw new IOException("cannot delete the previous manifest " + target);
            }
            if (!fs.rename(staged, target)) {
                throw new IOException("cannot rename " + staged + " to " + target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot put the new manifest in place (it is in " + staged + "): " + e.getMessage(), e);
        }
    }

    private static boolean exists(SparkSession spark, Path folder) {
        try {
            return folder.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look at " + folder + ": " + e.getMessage(), e);
        }
    }
}

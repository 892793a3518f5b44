package valle.spark;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * The batch job as a program: {@code spark-submit --class valle.spark.BatchMain valle-spark.jar --input … --out …}
 * on a cluster, or {@code ./valle batch --input sentences.csv --out DIR} in local mode. Prints a summary (rows done,
 * failed, the throughput) and the first errors; exits 0 when the job ran, even if rows failed (the manifest says
 * which), 1 when the job failed, 2 for a usage error.
 */
public final class BatchMain {
    private static final String USAGE = """
            Usage: valle batch --input FILE --out DIR [options]
            Synthesize one WAV per row of a table (CSV with a header, JSON lines or Parquet: id, text, and optionally
            voice, language, seed and any sampling setting by its kwarg name) into DIR, with a manifest in DIR/manifest.
            A rerun skips the rows already done; a row that fails is recorded in the manifest, not fatal.
              --input FILE          the requests (a local path or a Hadoop URI)
              --out DIR             the output folder (a local path or a Hadoop URI)
              --format F            csv, json or parquet (default: from the input's extension)
              --master URL          Spark master (default: spark-submit's, else local[*])
              --partitions N        tasks to split the requests into (default: 4 per core; 0 keeps the input's)
              --model FILE          checkpoint .sft (default: the bundled tiny random model: noise)
              --vocoder DIR         Vocos or EnCodec weights (default with the bundled model: its vocoder)
              --codec DIR           EnCodec weights, needed for WAV voices (default with the bundled model: its codec)
              --voices DIR          folder of voice prompts: voice NAME is NAME.npy, NAME.enc or NAME.wav
                                    (default with the bundled model: its folder, holding the voice prom_codes)
              --threads N           threads of each executor's model (default: the executor's cores)
              --arch, --attention, --backend, --weight-dtype NAME   as for valle speak
              --set KEY=VALUE       a sampling setting for every row, e.g. --set max_duration=300 (repeatable)
              --manifest-format F   parquet or csv (default: parquet)
            Example:
              ./valle batch --input examples/batch/sentences.csv --out /tmp/book --set max_duration=75
            """;

    private BatchMain() {
    }

    public static void main(String[] args) {
        Arguments a;
        try {
            a = Arguments.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("valle batch: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        if (a.help) {
            System.out.print(USAGE);
            return;
        }
        SparkSession.Builder builder = SparkSession.builder().appName("valle batch");
        String master = a.master != null ? a.master : System.getProperty("spark.master") == null ? "local[*]" : null;
        if (master != null) {
            builder.master(master);
        }
        if (master != null && master.startsWith("local")) {
            // one machine's run needs no web UI (nor its port)
            builder.config("spark.ui.enabled", "false");
        }
        SparkSession spark = builder.getOrCreate();
        try {
            System.exit(run(spark, a, System.out, System.err));
        } finally {
            spark.stop();
        }
    }

    static int run(SparkSession spark, Arguments a, PrintStream out, PrintStream err) {
        SynthesisOptions options;
        try {
            options = a.options(err);
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("valle batch: " + e.getMessage());
            return 2;
        }
        Dataset<Row> requests = read(spark, a.input, a.format);
        int cores = spark.sparkContext().defaultParallelism();
        int partitions = a.partitions != null ? a.partitions : 4 * cores;
        if (partitions > 0) {
            requests = requests.repartition(partitions);
        }
        LongAccumulator synthesized = spark.sparkContext().longAccumulator("valle rows synthesized");
        long started = System.nanoTime();
        Dataset<Row> manifest;
        try {
            manifest = ValleSpark.synthesize(requests, options, synthesized);
        } catch (IllegalArgumentException e) {
            err.println("valle batch: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            // Spark wraps what a task threw (in a SparkException, checked though no signature says so): a model that cannot load, storage that fails every retry
            Throwable cause = e;
            while (cause.getCause() != null) {
                cause = cause.getCause();
            }
            err.println("valle batch: the job failed: " + cause.getMessage() + " (" + cause.getClass().getSimpleName() + ")");
            return 1;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long ok = manifest.filter("status = 'ok'").count();
        List<Row> errors = manifest.filter("status = 'error'").orderBy("id").collectAsList();
        long made = synthesized.value();
        out.printf(Locale.ROOT, "valle batch: %d rows: %d ok (%d synthesized now, %d done before), %d failed -> %s%n",
                ok + errors.size(), ok, made, ok - Math.min(ok, made), errors.size(), options.output());
        if (made > 0) {
            double perMinute = made / (seconds / 60);
            out.printf(Locale.ROOT, "valle batch: %.1f s, %.1f utterances/min (%.1f per core, %d cores)%n",
                    seconds, perMinute, perMinute / cores, cores);
        }
        for (Row e : errors.subList(0, Math.min(errors.size(), 10))) {
            out.println("  error " + e.getAs("id") + ": " + e.getAs("error"));
        }
        if (errors.size() > 10) {
            out.println("  ... and " + (errors.size() - 10) + " more: see the manifest");
        }
        return 0;
    }

    private static Dataset<Row> read(SparkSession spark, String input, String format) {
        String kind = format != null ? format.toLowerCase(Locale.ROOT) : formatOf(input);
        return switch (kind) {
            // every column as text: an id "007" stays "007", and a seed keeps all its digits
            case "csv" -> spark.read().option("header", "true").option("inferSchema", "false").csv(input);
            case "json", "jsonl", "ndjson" -> spark.read().json(input);
            case "parquet" -> spark.read().parquet(input);
            default -> throw new IllegalArgumentException("unknown input format '" + kind + "': csv, json or parquet");
        };
    }

    private static String formatOf(String input) {
        String name = input.toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        String ext = dot < 0 ? "" : name.substring(dot + 1);
        return switch (ext) {
            case "csv", "json", "jsonl", "ndjson", "parquet" -> ext;
            default -> "parquet";
        };
    }

    /** The command line, parsed by hand: spark-submit's class path has no argument parser of ours. */
    static final class Arguments {
        String input;
        String out;
        String format;
        String master;
        Integer partitions;
        String model;
        String vocoder;
        String codec;
        String voices;
        int threads;
        String arch;
        String attention;
        String backend;
        String weightDtype;
        String manifestFormat = "parquet";
        final List<String> settings = new ArrayList<>();
        boolean help;

        static Arguments parse(String[] args) {
            Arguments a = new Arguments();
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (flag.equals("-h") || flag.equals("--help")) {
                    a.help = true;
                    continue;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(flag.startsWith("--") ? flag + " needs a value" : "unexpected '" + flag + "'");
                }
                String value = args[++i];
                switch (flag) {
                    case "--input" -> a.input = value;
                    case "--out" -> a.out = value;
                    case "--format" -> a.format = value;
                    case "--master" -> a.master = value;
                    case "--partitions" -> a.partitions = integer(flag, value);
                    case "--model" -> a.model = value;
                    case "--vocoder" -> a.vocoder = value;
                    case "--codec" -> a.codec = value;
                    case "--voices" -> a.voices = value;
                    case "--threads" -> a.threads = integer(flag, value);
                    case "--arch" -> a.arch = value;
                    case "--attention" -> a.attention = value;
                    case "--backend" -> a.backend = value;
                    case "--weight-dtype" -> a.weightDtype = value;
                    case "--manifest-format" -> a.manifestFormat = value;
                    case "--set" -> a.settings.add(value);
                    default -> throw new IllegalArgumentException("unknown option '" + flag + "'");
                }
            }
            if (!a.help && (a.input == null || a.out == null)) {
                throw new IllegalArgumentException("say what to read and where to write: --input FILE --out DIR");
            }
            return a;
        }

        private static int integer(String flag, String value) {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " wants a whole number, got '" + value + "'");
            }
        }

        /** The job's options; without --model, the bundled tiny model and codecs (and a notice on {@code err}). */
        SynthesisOptions options(PrintStream err) {
            SynthesisOptions.Builder b = SynthesisOptions.builder().output(out).voices(voices).threads(threads)
                    .arch(arch).attention(attention).backend(backend).weights(weightDtype)
                    .manifestFormat(switch (manifestFormat.toLowerCase(Locale.ROOT)) {
                        case "parquet" -> SynthesisOptions.ManifestFormat.PARQUET;
                        case "csv" -> SynthesisOptions.ManifestFormat.CSV;
                        default -> throw new IllegalArgumentException("--manifest-format: parquet or csv, got '" + manifestFormat + "'");
                    });
            if (model != null) {
                b.model(model).vocoder(vocoder).codec(codec);
            } else {
                Path golden = bundled();
                err.println("valle batch: no --model: using the bundled tiny random model and codecs (the output is noise)");
                b.model(golden.resolve("ar_nar_len/model.sft").toString())
                        .vocoder(vocoder != null ? vocoder : golden.resolve("codec/weights/vocos").toString())
                        .codec(codec != null ? codec : golden.resolve("codec/weights/encodec_hf").toString());
                if (voices == null) {
                    // the bundle's one voice, prom_codes: random codes, as noise as the model
                    b.voices(golden.resolve("ar_nar_len/inputs").toString());
                }
            }
            for (String setting : settings) {
                int eq = setting.indexOf('=');
                if (eq < 1) {
                    throw new IllegalArgumentException("--set wants KEY=VALUE, got '" + setting + "'");
                }
                b.sampling(setting.substring(0, eq).trim(), setting.substring(eq + 1).trim());
            }
            return b.build();
        }

        private static Path bundled() {
            String golden = System.getProperty("valle.golden");
            if (golden == null || !Files.isDirectory(Path.of(golden))) {
                throw new IllegalStateException("no --model and the bundled tiny model is unknown here (run through"
                        + " ./valle, or pass -Dvalle.golden=<repo>/valle-tck/golden); name the files: --model, --vocoder");
            }
            return Path.of(golden);
        }
    }
}

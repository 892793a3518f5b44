package valle.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import valle.core.Valle;
import valle.core.speech.InferenceSettings;
import valle.core.speech.SpeechRequest;
import valle.core.speech.Voice;

/**
 * The job in Spark's local mode on the bundled tiny model: two executor threads, and one retry per task
 * ({@code local[2,2]}) for the injected storage failure.
 */
class ValleSparkTest {
    private static final Path GOLDEN = Path.of("..", "valle-tck", "golden").toAbsolutePath().normalize();
    private static final Path MODEL = GOLDEN.resolve("ar_nar_len/model.sft");
    private static final Path VOCOS = GOLDEN.resolve("codec/weights/vocos");
    private static final Path VOICES = GOLDEN.resolve("ar_nar_len/inputs");
    private static final String VOICE = "prom_codes";
    /** Short utterances keep the random model's speech (which rarely stops on its own) to a second. */
    private static final int MAX_DURATION = 30;
    private static final StructType REQUESTS = new StructType()
            .add("id", DataTypes.StringType).add("text", DataTypes.StringType)
            .add("voice", DataTypes.StringType).add("seed", DataTypes.LongType);

    private static SparkSession spark;

    @BeforeAll
    static void startSpark() {
        spark = SparkSession.builder().master("local[2,2]").appName("valle-spark-test")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.hadoop.fs.flaky.impl", FlakyFileSystem.class.getName())
                .config("spark.hadoop.fs.flaky.impl.disable.cache", "true")
                .getOrCreate();
        spark.sparkContext().setLogLevel("ERROR");
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private static SynthesisOptions options(String output) {
        return SynthesisOptions.builder().output(output).model(MODEL.toString()).vocoder(VOCOS.toString())
                .voices(VOICES.toString()).threads(1).sampling("max_duration", MAX_DURATION).build();
    }

    private static Dataset<Row> requests(List<Row> rows, int partitions) {
        return spark.createDataFrame(rows, REQUESTS).repartition(partitions);
    }

    private static Row request(int i) {
        return RowFactory.create(String.format("r%02d", i), "Sentence number " + i + ".", i % 2 == 0 ? VOICE : null, (long) i);
    }

    @Test
    void twentyRowsGiveTheFacadesSpeechOnceAndARerunWritesNothing(@TempDir Path out) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            rows.add(request(i));
        }
        Dataset<Row> requests = requests(rows, 4);
        assertEquals(4, requests.rdd().getNumPartitions());

        Map<String, Row> manifest = byId(ValleSpark.synthesize(requests, options(out.toString())));

        assertEquals(20, manifest.size());
        assertEquals(1, ExecutorModels.loads(), "one model for the JVM, whatever the tasks and partitions");
        try (Valle valle = Valle.builder().model(MODEL).vocoder(VOCOS).threads(1).build()) {
            Voice voice = valle.voice(VOICES.resolve(VOICE + ".npy"));
            for (Row request : rows) {
                String id = request.getString(0);
                Row entry = manifest.get(id);
                assertEquals("ok", entry.getAs("status"), () -> id + ": " + entry.getAs("error"));
                Map<String, Object> kwargs = InferenceSettings.commandLineKwargs();
                kwargs.put("max_duration", MAX_DURATION);
                kwargs.put("seed", request.getLong(3));
                byte[] expected = valle.speak(new SpeechRequest(request.getString(1), SpeechRequest.Input.TEXT, "en",
                        request.isNullAt(2) ? Voice.NONE : voice, InferenceSettings.fromKwargs(kwargs))).wav();
                assertArrayEquals(expected, Files.readAllBytes(out.resolve(id + ".wav")), id);
                assertEquals(id + ".wav", entry.getAs("file"));
                assertTrue(entry.<Integer>getAs("frames") > 0);
            }
        }
        Map<Path, FileTime> written = audioFiles(out);
        assertEquals(20, written.size());
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(21, files.count(), "the audio files and the manifest, nothing else");
        }

        Map<String, Row> again = byId(ValleSpark.synthesize(requests, options(out.toString())));

        assertEquals(manifest, again);
        assertEquals(written, audioFiles(out), "a rerun rewrites no audio");
        assertEquals(1, ExecutorModels.loads());
    }

    @Test
    void aBadRowIsReportedAndTheOthersComplete(@TempDir Path out) {
        List<Row> rows = List.of(request(1), request(2),
                RowFactory.create("empty", " ", null, 1L),
                RowFactory.create("stranger", "Who am I?", "nobody", 1L),
                RowFactory.create("../escape", "Hello.", null, 1L));

        Map<String, Row> manifest = byId(ValleSpark.synthesize(requests(rows, 2), options(out.toString())));

        assertEquals("ok", manifest.get("r01").getAs("status"));
        assertEquals("ok", manifest.get("r02").getAs("status"));
        assertEquals("the row has no text", manifest.get("empty").getAs("error"));
        assertTrue(manifest.get("stranger").<String>getAs("error").startsWith("unknown voice 'nobody'"));
        assertTrue(manifest.get("../escape").<String>getAs("error").contains("cannot name a file"));
        for (String id : List.of("empty", "stranger", "../escape")) {
            assertEquals("error", manifest.get(id).getAs("status"));
            assertNull(manifest.get(id).getAs("file"));
        }
        assertEquals(2, audioFiles(out).size());
    }

    @Test
    void aTaskWhoseStorageFailsIsRetriedWithoutDuplicatesOrLeftovers(@TempDir Path out) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            rows.add(request(i));
        }

        // what an executor lost mid-write and a job stopped before its manifest was in place would leave: swept up
        Files.write(out.resolve(".r05.wav.3-2-17.tmp"), new byte[100]);
        Files.createDirectories(out.resolve("_manifest-0d4329d").resolve("part-0"));

        Map<String, Row> manifest = byId(ValleSpark.synthesize(requests(rows, 3), options("flaky://" + out)));

        assertEquals(1, FlakyFileSystem.FAILURES.get(), "the storage failed once");
        assertEquals(6, manifest.size());
        assertTrue(manifest.values().stream().allMatch(r -> "ok".equals(r.getAs("status"))), manifest::toString);
        try (Stream<Path> files = Files.list(out)) {
            List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> !n.equals("manifest")).sorted().toList();
            assertEquals(List.of("r00.wav", "r01.wav", "r02.wav", "r03.wav", "r04.wav", "r05.wav"), names,
                    "no temporary or half-written file is left");
        }
        byte[] retried = Files.readAllBytes(out.resolve("r03.wav"));
        int riffSize = ByteBuffer.wrap(retried, 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        assertEquals(retried.length - 8, riffSize, "the retried file is whole");
    }

    private static Map<String, Row> byId(Dataset<Row> manifest) {
        Map<String, Row> rows = new TreeMap<>();
        for (Row r : manifest.collectAsList()) {
            Row previous = rows.put(r.getAs("id"), r);
            assertNull(previous, () -> "the manifest lists " + r.getAs("id") + " twice");
        }
        return rows;
    }

    private static Map<Path, FileTime> audioFiles(Path out) {
        try (Stream<Path> files = Files.list(out)) {
            Map<Path, FileTime> times = new TreeMap<>();
            for (Path p : files.filter(p -> p.toString().endsWith(".wav")).toList()) {
                times.put(p, Files.getLastModifiedTime(p));
            }
            return times;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

package valle.spark;

import java.io.IOException;
import java.io.OutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import scala.Tuple2;

/**
 * The audio files of a job in its output folder, on whatever Hadoop file system the folder's URI names. A file is
 * written under a hidden temporary name unique to the task attempt and renamed into place only once complete, so a
 * task that fails or is retried never leaves a half-written {@code <id>.wav}.
 */
final class OutputFolder {
    /** What temporary files start with: hidden to Hadoop's readers, and swept up at the end of a job. */
    static final String TEMPORARY_PREFIX = ".";
    static final String TEMPORARY_SUFFIX = ".tmp";
    private static final String AUDIO_EXTENSION = ".wav";
    private static final String HADOOP_PREFIX = "spark.hadoop.";

    private final Path folder;
    private final FileSystem fs;

    OutputFolder(String folder, Configuration conf) throws IOException {
        this.folder = new Path(folder);
        this.fs = this.folder.getFileSystem(conf);
        // the local file system would write a hidden .<id>.wav.crc beside each file: the WAV's own header and the
        // manifest say what a reader needs (a no-op on HDFS and object stores, which checksum on their own)
        fs.setWriteChecksum(false);
    }

    /** The audio file's name for a row id, relative to the folder. */
    static String fileName(String id) {
        return id + AUDIO_EXTENSION;
    }

    boolean exists(String name) throws IOException {
        return fs.exists(new Path(folder, name));
    }

    /** Writes {@code bytes} as {@code name}: to a temporary file, then renamed over whatever was there. */
    void write(String name, byte[] bytes) throws IOException {
        Path target = new Path(folder, name);
        Path temporary = new Path(folder, TEMPORARY_PREFIX + name + "." + attempt() + TEMPORARY_SUFFIX);
        boolean done = false;
        try {
            try (OutputStream out = fs.create(temporary, true)) {
                out.write(bytes);
            }
            // HDFS and most stores refuse to rename onto an existing file: one left by an earlier run whose manifest
            // never recorded it is replaced (the same request gives the same bytes)
            if (fs.exists(target) && !fs.delete(target, false)) {
                throw new IOException("cannot replace " + target);
            }
            if (!fs.rename(temporary, target)) {
                throw new IOException("cannot rename " + temporary + " to " + target);
            }
            done = true;
        } finally {
            if (!done) {
                deleteQuietly(temporary);
            }
        }
    }

    /**
     * Removes what killed work left: temporary audio files of attempts lost mid-write, and the staged manifests of
     * jobs stopped before they swapped theirs in (this job's own is in place by now).
     */
    static void sweep(String folder, Configuration conf) throws IOException {
        Path dir = new Path(folder);
        FileSystem fs = dir.getFileSystem(conf);
        var leftovers = fs.globStatus(new Path(dir, TEMPORARY_PREFIX + "*" + AUDIO_EXTENSION + ".*" + TEMPORARY_SUFFIX));
        var stagedManifests = fs.globStatus(new Path(dir, Manifest.STAGED_PREFIX + "*"));
        for (var found : new FileStatus[][] {leftovers, stagedManifests}) {
            if (found != null) {
                for (var status : found) {
                    fs.delete(status.getPath(), true);
                }
            }
        }
    }

    private static String attempt() {
        TaskContext task = TaskContext.get();
        return task == null ? "driver" : task.stageId() + "-" + task.partitionId() + "-" + task.taskAttemptId();
    }

    private void deleteQuietly(Path file) {
        try {
            fs.delete(file, false);
        } catch (IOException ignored) {
            // the failure being reported matters more; the job's sweep removes what is left
        }
    }

    /**
     * The Hadoop configuration of this executor: the defaults plus the job's {@code spark.hadoop.*} settings (the
     * credentials and file system settings a user passes with {@code --conf spark.hadoop.fs.s3a....}).
     */
    static Configuration executorConfiguration() {
        Configuration conf = new Configuration();
        SparkEnv env = SparkEnv.get();
        if (env != null) {
            for (Tuple2<String, String> setting : env.conf().getAll()) {
                if (setting._1().startsWith(HADOOP_PREFIX)) {
                    conf.set(setting._1().substring(HADOOP_PREFIX.length()), setting._2());
                }
            }
        }
        return conf;
    }
}

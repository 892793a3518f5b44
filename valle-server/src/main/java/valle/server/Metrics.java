package valle.server;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import valle.core.batch.SchedulerStats;

/**
 * What the server has done, in the Prometheus text format (version 0.0.4): speech requests by status, their
 * latency and time to first audio as histograms, audio produced, the real-time factor of the last request, the
 * queue, and the continuous-batching scheduler's slots and batch sizes.
 */
final class Metrics {
    private static final double[] BUCKETS = {0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};

    private final Map<Integer, LongAdder> byStatus = new TreeMap<>();
    private final AtomicLongArray bucketCounts = new AtomicLongArray(BUCKETS.length);
    private final DoubleAdder latencySum = new DoubleAdder();
    private final LongAdder latencyCount = new LongAdder();
    private final DoubleAdder audioSeconds = new DoubleAdder();
    private final DoubleAdder computeSeconds = new DoubleAdder();
    private volatile double lastRtf = Double.NaN;
    private final AtomicLongArray firstAudioCounts = new AtomicLongArray(BUCKETS.length);
    private final DoubleAdder firstAudioSum = new DoubleAdder();
    private final LongAdder firstAudioCount = new LongAdder();

    /** A speech request ended with {@code status} after {@code seconds}. */
    void request(int status, double seconds) {
        synchronized (byStatus) {
            byStatus.computeIfAbsent(status, s -> new LongAdder()).increment();
        }
        for (int i = 0; i < BUCKETS.length; i++) {
            if (seconds <= BUCKETS[i]) {
                bucketCounts.incrementAndGet(i);
            }
        }
        latencySum.add(seconds);
        latencyCount.increment();
    }

    /** A speech request sent its first audio {@code seconds} after it arrived. */
    void firstAudio(double seconds) {
        for (int i = 0; i < BUCKETS.length; i++) {
            if (seconds <= BUCKETS[i]) {
                firstAudioCounts.incrementAndGet(i);
            }
        }
        firstAudioSum.add(seconds);
        firstAudioCount.increment();
    }

    /** A request made {@code audio} seconds of speech in {@code compute} seconds. */
    void speech(double audio, double compute) {
        audioSeconds.add(audio);
        computeSeconds.add(compute);
        if (audio > 0) {
            lastRtf = compute / audio;
        }
    }

    String render(int queued, int running, java.util.Optional<SchedulerStats> scheduler) {
        StringBuilder out = new StringBuilder();
        out.append("# HELP valle_requests_total Speech requests by HTTP status.\n");
        out.append("# TYPE valle_requests_total counter\n");
        synchronized (byStatus) {
            for (Map.Entry<Integer, LongAdder> e : byStatus.entrySet()) {
                out.append("valle_requests_total{status=\"").append(e.getKey()).append("\"} ").append(e.getValue().sum()).append('\n');
            }
        }
        out.append("# HELP valle_request_duration_seconds Time from arrival to the last byte of a speech request.\n");
        out.append("# TYPE valle_request_duration_seconds histogram\n");
        for (int i = 0; i < BUCKETS.length; i++) {
            out.append("valle_request_duration_seconds_bucket{le=\"").append(BUCKETS[i]).append("\"} ")
                    .append(bucketCounts.get(i)).append('\n');
        }
        out.append("valle_request_duration_seconds_bucket{le=\"+Inf\"} ").append(latencyCount.sum()).append('\n');
        out.append("valle_request_duration_seconds_sum ").append(latencySum.sum()).append('\n');
        out.append("valle_request_duration_seconds_count ").append(latencyCount.sum()).append('\n');
        out.append("# HELP valle_time_to_first_audio_seconds Time from arrival to the first audio byte of a speech request.\n");
        out.append("# TYPE valle_time_to_first_audio_seconds histogram\n");
        for (int i = 0; i < BUCKETS.length; i++) {
            out.append("valle_time_to_first_audio_seconds_bucket{le=\"").append(BUCKETS[i]).append("\"} ")
                    .append(firstAudioCounts.get(i)).append('\n');
        }
        out.append("valle_time_to_first_audio_seconds_bucket{le=\"+Inf\"} ").append(firstAudioCount.sum()).append('\n');
        out.append("valle_time_to_first_audio_seconds_sum ").append(firstAudioSum.sum()).append('\n');
        out.append("valle_time_to_first_audio_seconds_count ").append(firstAudioCount.sum()).append('\n');
        out.append("# HELP valle_audio_seconds_total Seconds of speech produced.\n");
        out.append("# TYPE valle_audio_seconds_total counter\n");
        out.append("valle_audio_seconds_total ").append(audioSeconds.sum()).append('\n');
        out.append("# HELP valle_compute_seconds_total Seconds spent producing speech.\n");
        out.append("# TYPE valle_compute_seconds_total counter\n");
        out.append("valle_compute_seconds_total ").append(computeSeconds.sum()).append('\n');
        out.append("# HELP valle_real_time_factor Compute seconds per audio second of the last request.\n");
        out.append("# TYPE valle_real_time_factor gauge\n");
        out.append("valle_real_time_factor ").append(Double.isNaN(lastRtf) ? "NaN" : Double.toString(lastRtf)).append('\n');
        out.append("# HELP valle_queue_length Speech requests waiting for a slot.\n");
        out.append("# TYPE valle_queue_length gauge\n");
        out.append("valle_queue_length ").append(queued).append('\n');
        out.append("# HELP valle_running_requests Speech requests being synthesized.\n");
        out.append("# TYPE valle_running_requests gauge\n");
        out.append("valle_running_requests ").append(running).append('\n');
        scheduler.ifPresent(s -> renderScheduler(out, s));
        return out.toString();
    }

    private static void renderScheduler(StringBuilder out, SchedulerStats s) {
        out.append("# HELP valle_slots Slots of the continuous-batching scheduler.\n");
        out.append("# TYPE valle_slots gauge\n");
        out.append("valle_slots ").append(s.slots()).append('\n');
        out.append("# HELP valle_active_slots Slots holding a request.\n");
        out.append("# TYPE valle_active_slots gauge\n");
        out.append("valle_active_slots ").append(s.active()).append('\n');
        out.append("# HELP valle_slot_waiting_requests Requests waiting for a slot.\n");
        out.append("# TYPE valle_slot_waiting_requests gauge\n");
        out.append("valle_slot_waiting_requests ").append(s.waiting()).append('\n');
        out.append("# HELP valle_batch_size Sequences stepped together per batched pass (tick).\n");
        out.append("# TYPE valle_batch_size histogram\n");
        for (int i = 0; i < s.batchSizeBounds().length; i++) {
            out.append("valle_batch_size_bucket{le=\"").append(s.batchSizeBounds()[i]).append("\"} ")
                    .append(s.batchSizeCounts()[i]).append('\n');
        }
        out.append("valle_batch_size_bucket{le=\"+Inf\"} ").append(s.ticks()).append('\n');
        out.append("valle_batch_size_sum ").append(s.sequences()).append('\n');
        out.append("valle_batch_size_count ").append(s.ticks()).append('\n');
        out.append("# HELP valle_batch_seconds_total Seconds spent running batched passes.\n");
        out.append("# TYPE valle_batch_seconds_total counter\n");
        out.append("valle_batch_seconds_total ").append(s.tickSeconds()).append('\n');
    }
}

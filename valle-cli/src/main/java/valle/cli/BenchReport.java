package valle.cli;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import valle.core.load.JsonWriter;

/**
 * What {@code valle bench} prints: a table, or one JSON object with {@code --json}.
 *
 * @param backend         the backend the arch ran on (what {@code auto} chose, or the one asked for)
 * @param backendChoice   the {@code --backend} asked for ({@code auto} unless given)
 * @param peakRssBytes    the process's peak resident set ({@link PeakResidentSet}) once one request's stages ran
 *                        (AR, NAR, NAR-len, duration, codecs), before the batched step rows hold their five KV
 *                        caches and the kernel rows allocate their own matrices; -1 where unknown
 * @param peakRssBatchedBytes the peak once the batched step rows ran too; -1 where they did not run or unknown
 * @param weightsBytes    the checkpoint's tensors in the chosen format ({@link WeightsBytes}); -1 where unknown
 * @param routedPerExpert for a mixture-of-experts model, the tokens each expert received in one NAR pass over
 *                        all layers (a token counts once per expert it is routed to); empty otherwise
 * @param batchedEqualsSerial with {@code --requests}: whether every request run through the scheduler gave the codes
 *                        it gave alone; null otherwise
 */
record BenchReport(String backend, String backendChoice, int threads, String weightDtype, int vectorBits, List<BenchTimer.Row> rows,
                   long peakRssBytes, long peakRssBatchedBytes, long weightsBytes, long[] routedPerExpert, Boolean batchedEqualsSerial) {

    void printTable(PrintWriter out) {
        out.printf(Locale.ROOT, "backend %s (%s), threads %d, weights %s, vectors %d bits%n",
                backend, backendChoice, threads, weightDtype, vectorBits);
        Double ratio = peakRssPerWeights();
        out.printf(Locale.ROOT, "memory: weights %.0f MB, peak RSS %.0f MB (%s the weights), peak heap %.0f MB%n",
                weightsBytes / 1e6, peakRssBytes / 1e6, ratio == null ? "?" : String.format(Locale.ROOT, "%.2f x", ratio),
                peakHeapBytes() / 1e6);
        if (peakRssBatchedBytes > 0) {
            out.printf(Locale.ROOT, "memory with the batched steps (five KV caches): peak RSS %.0f MB%n", peakRssBatchedBytes / 1e6);
        }
        out.printf(Locale.ROOT, "%-16s %12s %12s %5s  %s%n", "ROW", "MIN", "MEDIAN", "REPS", "UNIT");
        for (BenchTimer.Row r : rows) {
            out.printf(Locale.ROOT, "%-16s %12.4f %12.4f %5d  %s%n", r.name(), r.min(), r.median(), r.reps(),
                    r.unit().equals("s") ? "s" : r.unit() + " (best in MIN)");
        }
        if (batchedEqualsSerial != null) {
            out.println("every batched request equals its serial run: " + batchedEqualsSerial);
        }
        if (routedPerExpert.length > 0) {
            out.printf(Locale.ROOT, "tokens routed per expert (one NAR pass, all layers): %s%n",
                    Arrays.toString(routedPerExpert));
        }
        out.flush();
    }

    void printJson(PrintWriter out) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("backend", backend);
        json.put("backend_choice", backendChoice);
        json.put("threads", threads);
        json.put("weight_dtype", weightDtype);
        json.put("vector_bits", vectorBits);
        json.put("peak_heap_bytes", peakHeapBytes());
        json.put("peak_rss_bytes", peakRssBytes);
        json.put("weights_bytes", weightsBytes);
        json.put("peak_rss_per_weights", peakRssPerWeights());
        if (peakRssBatchedBytes > 0) {
            json.put("peak_rss_batched_bytes", peakRssBatchedBytes);
        }
        List<Object> rowList = new ArrayList<>();
        for (BenchTimer.Row r : rows) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("name", r.name());
            row.put("min_s", r.min());
            row.put("median_s", r.median());
            row.put("reps", r.reps());
            rowList.add(row);
        }
        json.put("rows", rowList);
        if (batchedEqualsSerial != null) {
            json.put("batched_equals_serial", batchedEqualsSerial);
        }
        if (routedPerExpert.length > 0) {
            json.put("routed_per_expert", Arrays.stream(routedPerExpert).boxed().toList());
        }
        out.println(JsonWriter.write(json));
        out.flush();
    }

    /** The peak use of the heap's pools since the JVM started. */
    static long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    /** The peak resident set over the weights' bytes, or {@code null} where either is unknown. */
    Double peakRssPerWeights() {
        return peakRssBytes > 0 && weightsBytes > 0 ? (double) peakRssBytes / weightsBytes : null;
    }
}

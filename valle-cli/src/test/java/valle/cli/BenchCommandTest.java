package valle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import valle.kit.io.Json;

/** {@code valle bench --quick}: every row of the subset present, timed and well-formed in {@code --json}. */
class BenchCommandTest {

    @Test
    void theQuickRunReportsItsRowsAsOneJsonObject() {
        // two layers keep the test short; the rows and their code paths are those of the full-size run
        CliResult r = CliResult.run("bench", "--quick", "--json", "--layers", "2", "--threads", "2");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> json = Json.parseObject(r.out().trim(), "bench output");
        assertEquals(2L, json.get("threads"));
        assertEquals("f32", json.get("weight_dtype"));
        // as speak does, auto runs the arch on the fastest backend present (onnx is on this module's path)
        assertEquals("auto", json.get("backend_choice"));
        assertEquals("onnx", json.get("backend"));
        assertTrue((Long) json.get("vector_bits") >= 128, "vector bits " + json.get("vector_bits"));
        assertTrue((Long) json.get("peak_heap_bytes") > 0);
        long peakRss = (Long) json.get("peak_rss_bytes");
        long weights = (Long) json.get("weights_bytes");
        // two layers of 1024 plus the embeddings and heads of the published layout: tens of MB of f32
        assertTrue(weights > 20_000_000 && weights % 4 == 0, "weights " + weights);
        assertTrue(peakRss > weights, "peak RSS " + peakRss + " holds the weights at least once");
        assertEquals((double) peakRss / weights, ((Number) json.get("peak_rss_per_weights")).doubleValue(), 1e-9);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) json.get("rows");
        // the batched steps run after one request's stages, so that peak_rss_bytes is one request's
        assertEquals(List.of("ar_step_early", "nar_level", "len_loop", "narlen_step", "codec_encode_3s",
                "codec_decode_5s", "ar_step_batch1", "ar_step_batch4", "gemv_gbps", "gemm_gflops"),
                rows.stream().map(m -> m.get("name")).toList());
        assertTrue((Long) json.get("peak_rss_batched_bytes") >= peakRss, "the peak only grows");
        for (Map<String, Object> row : rows) {
            double min = ((Number) row.get("min_s")).doubleValue();
            double median = ((Number) row.get("median_s")).doubleValue();
            assertTrue(min > 0 && Double.isFinite(min), row.toString());
            boolean rate = row.get("name").toString().startsWith("gem");
            // seconds: the minimum is the best; rates: the best (highest) sits in min_s
            assertTrue(rate ? median <= min : median >= min, row.toString());
            assertTrue((Long) row.get("reps") >= 1, row.toString());
        }
        assertEquals(5L, rows.getFirst().get("reps"), "ar_step_early samples five decode steps");
    }

    @Test
    void requestsRunSeriallyThenBatchedGiveTheSameCodes() {
        CliResult r = CliResult.run("bench", "--requests", "2", "--quick", "--json", "--layers", "1", "--threads", "2",
                "--backend", "java");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> json = Json.parseObject(r.out().trim(), "bench output");
        assertEquals(Boolean.TRUE, json.get("batched_equals_serial"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) json.get("rows");
        assertEquals(List.of("requests_serial_ar_nar", "requests_batched_ar_nar", "requests_serial_ar_stage",
                "requests_batched_ar_stage", "requests_serial_nar_len", "requests_batched_nar_len"),
                rows.stream().map(m -> m.get("name")).toList());
        for (Map<String, Object> row : rows) {
            assertTrue(((Number) row.get("min_s")).doubleValue() > 0, row.toString());
        }
    }

    @Test
    void aMixtureOfExpertsReportsTheTokensEachExpertReceived() {
        // one layer of the published Mixtral layout (8 experts of 4096, top-2) keeps the test short
        CliResult r = CliResult.run("bench", "--quick", "--json", "--layers", "1", "--threads", "2", "--arch", "mixtral");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> json = Json.parseObject(r.out().trim(), "bench output");
        assertEquals("java", json.get("backend"), "mixtral has a java provider only");
        List<?> routed = (List<?>) json.get("routed_per_expert");
        assertEquals(8, routed.size(), routed.toString());
        long total = routed.stream().mapToLong(v -> (Long) v).sum();
        // every token of the pass goes to two experts
        assertTrue(total > 0 && total % 2 == 0, routed.toString());
        assertTrue(routed.stream().allMatch(v -> (Long) v < total), "more than one expert is used: " + routed);
    }

    @Test
    void theWeightsBytesFollowTheChosenFormat() {
        CliResult f32 = CliResult.run("bench", "--quick", "--json", "--layers", "1", "--threads", "2", "--backend", "java");
        CliResult bf16 = CliResult.run("bench", "--quick", "--json", "--layers", "1", "--threads", "2", "--backend", "java",
                "--weight-dtype", "bf16");
        assertEquals(0, f32.code(), f32.err());
        assertEquals(0, bf16.code(), bf16.err());
        long f32Bytes = (Long) Json.parseObject(f32.out().trim(), "bench output").get("weights_bytes");
        long bf16Bytes = (Long) Json.parseObject(bf16.out().trim(), "bench output").get("weights_bytes");
        assertEquals(f32Bytes, 2 * bf16Bytes);
    }

    @Test
    void anUnknownWeightDtypeIsRefusedWithTheChoices() {
        CliResult r = CliResult.run("bench", "--quick", "--weight-dtype", "fp8");
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--weight-dtype: unknown weight format 'fp8': use one of [f32, bf16, f16, int8, int4]"), r.err());
    }

    @Test
    void comparedWeightsAreTimedInTurnOnOneModelEach() {
        CliResult r = CliResult.run("bench", "--compare-weights", "f32,int8", "--json", "--layers", "1", "--reps", "2",
                "--threads", "2", "--backend", "java");
        assertEquals(0, r.code(), r.err());
        Map<String, Object> json = Json.parseObject(r.out().trim(), "bench output");
        assertEquals(List.of("f32", "int8"), json.get("compare_weights"));
        assertEquals(2L, json.get("rounds"));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = (List<Map<String, Object>>) json.get("rows");
        assertEquals(List.of("ar_step", "ar_step", "nar_level", "nar_level", "len_loop", "len_loop", "narlen_step",
                "narlen_step"), rows.stream().map(m -> m.get("name")).toList());
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Object> row = rows.get(i);
            assertEquals(i % 2 == 0 ? "f32" : "int8", row.get("weight_dtype"), row.toString());
            assertEquals("java", row.get("backend"), row.toString());
            double min = ((Number) row.get("min_s")).doubleValue();
            double median = ((Number) row.get("median_s")).doubleValue();
            assertTrue(min > 0 && median >= min, row.toString());
            // five decode steps a round for the AR step, one timing a round for the others
            assertEquals(row.get("name").equals("ar_step") ? 10L : 2L, row.get("reps"), row.toString());
            double ratio = ((Number) row.get("median_over_first")).doubleValue();
            double firstMedian = ((Number) rows.get(i - i % 2).get("median_s")).doubleValue();
            assertEquals(median / firstMedian, ratio, 1e-12, row.toString());
        }
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> codes = (List<Map<String, Object>>) json.get("codes");
        assertEquals(List.of("f32", "int8"), codes.stream().map(m -> m.get("weight_dtype")).toList());
        // the first format against itself: every frame of the request's 5 s equal
        assertEquals(Map.of("weight_dtype", "f32", "frames", 375L, "frames_equal", 375L, "level0_equal", 375L,
                "first_difference", -1L), codes.getFirst());
        long equal = (Long) codes.get(1).get("frames_equal");
        long level0 = (Long) codes.get(1).get("level0_equal");
        long firstDifference = (Long) codes.get(1).get("first_difference");
        assertTrue(equal <= level0 && level0 <= 375, codes.toString());
        assertTrue(firstDifference == -1 ? level0 == 375 : firstDifference < 375 && level0 < 375, codes.toString());
    }

    @Test
    void aComparisonNeedsTwoDifferentFormats() {
        CliResult one = CliResult.run("bench", "--compare-weights", "f32", "--layers", "1");
        assertEquals(2, one.code());
        assertTrue(one.err().contains("--compare-weights needs two formats or more"), one.err());
        CliResult twice = CliResult.run("bench", "--compare-weights", "int8,int8", "--layers", "1");
        assertEquals(2, twice.code());
        assertTrue(twice.err().contains("--compare-weights: int8 is named twice"), twice.err());
        CliResult mixed = CliResult.run("bench", "--compare-weights", "f32,int8", "--weight-dtype", "bf16", "--layers", "1");
        assertEquals(2, mixed.code());
        assertTrue(mixed.err().contains("drop --weight-dtype"), mixed.err());
    }
}

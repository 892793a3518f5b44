package valle.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import valle.core.load.JsonWriter;

/**
 * {@code valle load}: a bounded load test of a running {@code valle serve} on loopback: {@code --requests} speech
 * requests (each its own seed) from {@code --clients} clients at once, then requests per minute and the latency
 * percentiles. Run it against {@code serve --slots 1} and {@code --slots 4} to see what continuous batching gives.
 */
@Command(name = "load", sortOptions = false,
        description = {"Load-test a running valle serve: N speech requests from C clients at once; requests per minute and p50/p95 latency."},
        footer = {"  ./valle load --requests 16 --clients 4        # against ./valle serve --slots 4 on this machine",
            "  ./valle load --url http://127.0.0.1:8080/ --requests 8 --clients 4 --max-duration 375 --json"})
final class LoadCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--url", defaultValue = "http://127.0.0.1:8080/", description = "The server (default: ${DEFAULT-VALUE}).")
    URI url;

    @Option(names = "--requests", defaultValue = "16", paramLabel = "N", description = "Requests in all (default: ${DEFAULT-VALUE}).")
    int requests;

    @Option(names = "--clients", defaultValue = "4", paramLabel = "C", description = "Requests in flight at once (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--input", defaultValue = "həlˈoʊ wˈɜːld. hˈaʊ ɑːɹ juː?",
            description = "What each request says (default: ${DEFAULT-VALUE}).")
    String input;

    @Option(names = "--voice", defaultValue = "default", description = "The voice (default: ${DEFAULT-VALUE}).")
    String voice;

    @Option(names = "--modality", defaultValue = "auto", description = "ar+nar, nar-len or auto (default: ${DEFAULT-VALUE}).")
    String modality;

    @Option(names = "--max-duration", defaultValue = "300", paramLabel = "FRAMES",
            description = "Each request's max_duration (default: ${DEFAULT-VALUE}).")
    int maxDuration;

    @Option(names = "--timeout", defaultValue = "600", description = "Seconds one request may take (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(names = "--json", description = "Print one JSON object instead of the summary.")
    boolean json;

    /** One request's outcome: its status (0: no answer) and seconds to its first byte and its last. */
    private record Outcome(int status, double firstByte, double seconds) {
    }

    @Override
    public Integer call() throws Exception {
        if (requests < 1 || clients < 1 || maxDuration < 1) {
            throw new ParameterException(spec.commandLine(), "--requests, --clients and --max-duration must be at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        URI speech = url.resolve("v1/audio/speech");
        AtomicInteger next = new AtomicInteger();
        List<Outcome> outcomes = Collections.synchronizedList(new ArrayList<>());
        long started = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                running.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < requests; i = next.getAndIncrement()) {
                        outcomes.add(send(http, speech, i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } finally {
            pool.shutdown();
            http.close();
        }
        double wall = (System.nanoTime() - started) / 1e9;
        List<Double> ok = outcomes.stream().filter(o -> o.status() == 200).map(Outcome::seconds).sorted().toList();
        List<Double> first = outcomes.stream().filter(o -> o.status() == 200).map(Outcome::firstByte).sorted().toList();
        Map<Integer, Integer> statuses = new TreeMap<>();
        outcomes.forEach(o -> statuses.merge(o.status(), 1, Integer::sum));
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("url", url.toString());
        report.put("requests", requests);
        report.put("clients", clients);
        report.put("wall_s", wall);
        report.put("requests_per_minute", ok.size() / wall * 60);
        report.put("latency_p50_s", percentile(ok, 50));
        report.put("latency_p95_s", percentile(ok, 95));
        report.put("latency_max_s", ok.isEmpty() ? null : ok.getLast());
        report.put("first_audio_p50_s", percentile(first, 50));
        Map<String, Object> byStatus = new LinkedHashMap<>();
        statuses.forEach((k, v) -> byStatus.put(Integer.toString(k), v));
        report.put("statuses", byStatus);
        if (json) {
            out.println(JsonWriter.write(report));
        } else if (ok.isEmpty()) {
            out.printf("no request of %d succeeded: statuses %s (0: no answer from %s)%n", requests, statuses, url);
        } else {
            out.printf(Locale.ROOT, "%d requests from %d clients in %.1f s: %.1f requests/minute; latency p50 %.2f s, p95 %.2f s; "
                            + "first audio p50 %.2f s; statuses %s%n", requests, clients, wall, ok.size() / wall * 60,
                    percentile(ok, 50), percentile(ok, 95), percentile(first, 50), statuses);
        }
        out.flush();
        return ok.size() == requests ? 0 : 1;
    }

    private Outcome send(HttpClient http, URI speech, int i) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("input", input);
        fields.put("voice", voice);
        fields.put("response_format", "pcm");
        fields.put("seed", i);
        fields.put("max_duration", maxDuration);
        fields.put("modality", modality);
        String body = JsonWriter.write(fields);
        HttpRequest request = HttpRequest.newBuilder(speech).timeout(Duration.ofSeconds(timeoutSeconds))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long t0 = System.nanoTime();
        try {
            HttpResponse<java.io.InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            double firstByte;
            try (java.io.InputStream in = r.body()) {
                int b = in.read();
                firstByte = (System.nanoTime() - t0) / 1e9;
                if (b >= 0) {
                    in.transferTo(java.io.OutputStream.nullOutputStream());
                }
            }
            return new Outcome(r.statusCode(), firstByte, (System.nanoTime() - t0) / 1e9);
        } catch (java.io.IOException e) {
            return new Outcome(0, 0, (System.nanoTime() - t0) / 1e9);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(0, 0, (System.nanoTime() - t0) / 1e9);
        }
    }

    /** The nearest-rank percentile of sorted values, or null for none. */
    private static Double percentile(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return null;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}

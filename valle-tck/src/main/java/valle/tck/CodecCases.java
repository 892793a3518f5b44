package valle.tck;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import valle.api.codec.AudioCodec;
import valle.api.codec.Codec;
import valle.api.codec.Codes;
import valle.core.audio.PcmAudio;
import valle.core.audio.Resampler;
import valle.core.audio.WavFile;
import valle.core.load.NpyArray;
import valle.core.plugin.PluginRegistry;

/**
 * The codec golden sets below a folder (the layout of the codec oracle, recognised by content, not by name):
 * weight files (a folder whose {@code config.json} has {@code "model_type": "encodec"}, a PyTorch zip
 * checkpoint in a folder without a config, and the weight files beside a {@code config.yaml} naming Vocos) and
 * case folders with a {@code manifest.json} outside any model variant. A case uses the weights of the nearest
 * folder above it that holds some, and runs every check its arrays call for, on every weight file of the
 * right codec: {@code input} + {@code codes} (+ {@code codes_24kbps}) encode exactly; {@code codes} +
 * {@code encodec_wav} / {@code vocos_wav} / {@code vocos_bw1_wav} decode within the oracle's tolerance; a WAV
 * with {@code loaded} / {@code resample_kernel} / {@code resampled} / {@code codes} is read, resampled and
 * encoded as vall-e reads a prompt; {@code lengths} pins the resampler's output lengths. Floats must agree
 * within {@code 1e-4 · max(1, max |golden|)} (the oracle's rule), the resampler kernel exactly.
 */
final class CodecCases {
    private static final int MAX_DEPTH = 8;
    private static final double RELATIVE_TOLERANCE = 1e-4;
    private static final List<String> KNOWN = List.of("codes", "encodec_wav", "vocos_wav", "vocos_bw1_wav", "loaded",
            "resample_kernel", "resampled", "lengths", "codes_24kbps");

    private final PluginRegistry<Codec> codecs;
    private final Map<Path, AudioCodec> opened = new LinkedHashMap<>();

    private CodecCases(PluginRegistry<Codec> codecs) {
        this.codecs = codecs;
    }

    /** Every codec case below {@code root}, one result each; nothing when there is none. */
    static void run(Path root, PluginRegistry<Codec> codecs, Consumer<CaseResult> report) {
        List<Path> cases = caseFolders(root);
        if (cases.isEmpty()) {
            return;
        }
        CodecCases runner = new CodecCases(codecs);
        try {
            for (Path dir : cases) {
                report.accept(runner.runCase(root, dir));
            }
        } finally {
            runner.opened.values().forEach(AudioCodec::close);
        }
    }

    /** Folders with a manifest.json that no model variant (a folder with model.sft) contains. */
    private static List<Path> caseFolders(Path root) {
        try (Stream<Path> s = Files.walk(root, MAX_DEPTH)) {
            return s.filter(p -> p.getFileName().toString().equals("manifest.json")).map(Path::getParent)
                    .filter(dir -> !insideVariant(root, dir) && UnbuildableCases.reason(dir).isEmpty()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean insideVariant(Path root, Path dir) {
        for (Path p = dir; p != null && p.startsWith(root); p = p.getParent()) {
            if (Files.exists(p.resolve("model.sft"))) {
                return true;
            }
        }
        return false;
    }

    private CaseResult runCase(Path root, Path dir) {
        String path = root.relativize(dir).toString().replace('\\', '/');
        GoldenFolder g = new GoldenFolder(dir);
        List<String> arrays = g.arrayNames();
        if (arrays.stream().noneMatch(KNOWN::contains)) {
            return new CaseResult(path, false, "not supported: unknown case kind");
        }
        Check check = new Check();
        try {
            WeightSet w = weightsFor(root, dir);
            Optional<NpyArray> codes = g.array("codes");
            g.array("input").ifPresent(input -> codes.ifPresent(c -> encode(g, w, floats(input), c, check)));
            if (codes.isPresent()) {
                Codes given = codes(codes.get());
                g.array("encodec_wav").ifPresent(a -> decode("encodec", w.encodec(), given, "encodec_wav", a, check));
                g.array("vocos_wav").ifPresent(a -> decode("vocos", w.vocos(), given, "vocos_wav", a, check));
                g.array("vocos_bw1_wav").ifPresent(a -> decode("vocos", w.vocos(), firstLevels(given, 4), "vocos_bw1_wav", a, check));
            }
            wav(dir).ifPresent(file -> prompt(g, w, file, check));
            g.array("lengths").ifPresent(a -> lengths(a, check));
        } catch (RuntimeException e) {
            check.fail("error: " + e);
        }
        return check.result(path);
    }

    // ---- the checks ----

    private void encode(GoldenFolder g, WeightSet w, float[] input, NpyArray expected, Check check) {
        for (Path location : w.encodec()) {
            AudioCodec codec = open("encodec", location, check);
            if (codec == null) {
                continue;
            }
            Codes c = codec.encode(input, expected.shape()[1]);
            check.ints("codes (" + location.getFileName() + ")", expected, c.data(), new int[] {c.frames(), c.levels()});
            g.array("codes_24kbps").ifPresent(all -> {
                Codes c32 = codec.encode(input, all.shape()[1]);
                check.ints("codes_24kbps (" + location.getFileName() + ")", all, c32.data(), new int[] {c32.frames(), c32.levels()});
            });
        }
        if (w.encodec().isEmpty()) {
            check.fail("no EnCodec weights found above the case to encode with");
        }
    }

    private void decode(String plugin, List<Path> locations, Codes codes, String what, NpyArray expected, Check check) {
        if (locations.isEmpty()) {
            check.fail(what + ": no " + plugin + " weights found above the case");
        }
        for (Path location : locations) {
            AudioCodec codec = open(plugin, location, check);
            if (codec != null) {
                float[] wav = codec.decode(codes);
                check.floats(what + " (" + location.getFileName() + ")", expected, wav, new int[] {wav.length}, tolerance(expected));
            }
        }
    }

    /** vall-e's prompt reading: load, keep channel 0 of stereo, resample to the codec's rate, encode. */
    private void prompt(GoldenFolder g, WeightSet w, Path file, Check check) {
        PcmAudio audio = WavFile.read(file);
        g.array("loaded").ifPresent(a -> check.floats("loaded", a, channelMajor(audio), new int[] {audio.channels().length,
            audio.frames()}, 0));
        int target = g.value("resample").map(r -> ((Number) ((Map<?, ?>) r).get("new_freq")).intValue()).orElse(24000);
        g.array("resample_kernel").ifPresent(a -> {
            Resampler r = new Resampler(audio.sampleRate(), target);
            check.floats("resample_kernel", a, r.kernel(), new int[] {r.phases(), r.taps()}, 0);
        });
        float[] resampled = audio.referenceMonoAt(target);
        g.array("resampled").ifPresent(a -> check.floats("resampled", a, resampled, new int[] {resampled.length}, tolerance(a)));
        g.array("codes").ifPresent(c -> encode(g, w, resampled, c, check));
    }

    private static void lengths(NpyArray rows, Check check) {
        int[] v = rows.ints();
        int n = rows.shape()[0];
        int cols = rows.shape()[1];
        int[] got = new int[n];
        int[] want = new int[n];
        for (int i = 0; i < n; i++) {
            got[i] = (int) Resampler.outputLength(v[i * cols], 24000, v[i * cols + 1]);
            want[i] = v[i * cols + 2];
        }
        check.equal("resampled lengths (sr, L) -> torchaudio length", java.util.Arrays.toString(want), java.util.Arrays.toString(got));
    }

    // ---- weights and codecs ----

    /** The weight files of a set: EnCodec locations (HF folders, .th files) and Vocos weight files. */
    private record WeightSet(List<Path> encodec, List<Path> vocos) {
        boolean isEmpty() {
            return encodec.isEmpty() && vocos.isEmpty();
        }
    }

    private static WeightSet weightsFor(Path root, Path dir) {
        for (Path p = dir.getParent(); p != null && p.startsWith(root); p = p.getParent()) {
            WeightSet w = weightsBelow(p);
            if (!w.isEmpty()) {
                return w;
            }
        }
        return new WeightSet(List.of(), List.of());
    }

    private static WeightSet weightsBelow(Path dir) {
        List<Path> encodec = new ArrayList<>();
        List<Path> vocos = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir, MAX_DEPTH)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path f : files) {
            Path folder = f.getParent();
            String name = f.getFileName().toString();
            boolean yaml = Files.exists(folder.resolve("config.yaml"));
            boolean json = Files.exists(folder.resolve("config.json"));
            if (name.equals("config.json") && GoldenFolder.read(f).matches("(?s).*\"model_type\"\\s*:\\s*\"encodec\".*")) {
                encodec.add(folder);
            } else if (yaml && GoldenFolder.read(folder.resolve("config.yaml")).contains("vocos.") && isWeightFile(f)) {
                vocos.add(f);
            } else if (!yaml && !json && isZip(f)) {
                encodec.add(f);
            }
        }
        return new WeightSet(encodec, vocos);
    }

    private static boolean isWeightFile(Path f) {
        String n = f.getFileName().toString();
        return !n.endsWith(".yaml") && !n.endsWith(".json") && !n.endsWith(".md");
    }

    private static boolean isZip(Path f) {
        try (InputStream in = Files.newInputStream(f)) {
            byte[] head = in.readNBytes(4);
            return head.length == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
        } catch (IOException e) {
            return false;
        }
    }

    private AudioCodec open(String plugin, Path location, Check check) {
        AudioCodec c = opened.get(location);
        if (c != null) {
            return c;
        }
        Optional<Codec> codec = codecs.all().stream().filter(p -> p.name().equals(plugin)).findFirst();
        if (codec.isEmpty()) {
            check.fail("no codec plugin named '" + plugin + "' is present (add the valle-codec module)");
            return null;
        }
        c = codec.get().open(location);
        opened.put(location, c);
        return c;
    }

    // ---- conversions ----

    private static Optional<Path> wav(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".wav")).sorted().findFirst();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Codes codes(NpyArray a) {
        if (a.shape().length != 2 || !a.integral()) {
            throw new IllegalArgumentException("codes.npy must be an integer array [T, levels], got " + a.shapeString());
        }
        return new Codes(a.shape()[0], a.shape()[1], a.ints());
    }

    private static Codes firstLevels(Codes c, int levels) {
        int[] out = new int[c.frames() * levels];
        for (int t = 0; t < c.frames(); t++) {
            System.arraycopy(c.data(), t * c.levels(), out, t * levels, levels);
        }
        return new Codes(c.frames(), levels, out);
    }

    private static float[] floats(NpyArray a) {
        float[] out = new float[a.values().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) a.values()[i];
        }
        return out;
    }

    private static float[] channelMajor(PcmAudio a) {
        float[] out = new float[a.channels().length * a.frames()];
        for (int c = 0; c < a.channels().length; c++) {
            System.arraycopy(a.channels()[c], 0, out, c * a.frames(), a.frames());
        }
        return out;
    }

    private static double tolerance(NpyArray golden) {
        double m = 1;
        for (double v : golden.values()) {
            m = Math.max(m, Math.abs(v));
        }
        return RELATIVE_TOLERANCE * m;
    }
}

package valle.tck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import valle.api.ValleException;
import valle.api.tensor.WeightFormat;
import valle.core.Valle;
import valle.core.load.SafetensorsFile;
import valle.core.model.ModelConfig;
import valle.core.plugin.PluginRegistry;
import valle.core.lora.LoraOptions;
import valle.core.model.ValleModel;
import valle.core.plugin.Plugins;
import valle.core.text.PhonemeTokenizer;
import valle.kit.io.Json;

/**
 * Runs every case of a golden folder against the plugins present. A golden folder holds model variants (any
 * folder below it with a {@code model.sft}), each with an {@code inputs/} folder and case folders recognised
 * by {@link CaseKind prefix}, tokenizer cases (files named {@code tokenizer_cases*.json}), speech-to-text decode
 * cases ({@code decode_cases*.json}, {@link DecodeCases}) and text front-end
 * cases ({@code cases.json} files of the {@link TextCases text schema}, one result per case) and codec cases
 * (case folders with a {@code manifest.json} outside any variant, run by {@link CodecCases}). Names of
 * variants and files beyond those patterns do not matter, so other golden sets of the same layout run too.
 *
 * <p>A variant with a {@code lora.sft} beside its {@code model.sft} runs with that LoRA. Case folders of
 * components the reference cannot build as a model ({@link UnbuildableCases}) are reported as skipped.
 *
 * <p>With a {@code backend} ({@code --backend onnx}), every plugin kind that has providers on it runs on them
 * (see {@link Plugins#onBackend}); a model variant whose arch has no provider there is reported as skipped.
 *
 * @param arch      the arch plugin to use, or {@code null} for the usual choice (see {@link Valle})
 * @param attention the attention kernel to use, or {@code null}
 * @param loraMerge run LoRA variants with the adapter merged into the weights at load instead of on the fly
 * @param backend   the backend to choose plugins on ({@code java}, {@code onnx}, {@code djl}), or {@code null}
 *                  for the usual choice ({@code -Dvalle.backend}, {@code VALLE_BACKEND}, {@code auto})
 * @param weights   the format the models' linear layers are loaded in ({@code int8}: quantised at load, so the
 *                  logits move past the tolerance and each case's {@link LogitFidelity} says by how much), or
 *                  {@code null} for each tensor's file dtype
 */
public record ConformanceSuite(String arch, String attention, boolean loraMerge, String backend, WeightFormat weights) {
    private static final int MAX_DEPTH = 8;

    public ConformanceSuite(String arch, String attention, boolean loraMerge, String backend) {
        this(arch, attention, loraMerge, backend, null);
    }

    public ConformanceSuite(String arch, String attention) {
        this(arch, attention, false, null);
    }

    public ConformanceSuite(String arch, String attention, boolean loraMerge) {
        this(arch, attention, loraMerge, null);
    }

    /** The suite on one backend. */
    public ConformanceSuite(String arch, String attention, String backend) {
        this(arch, attention, false, backend);
    }

    /** Runs every case, reporting each result to {@code sink} as it is known, and returns them all. */
    public List<CaseResult> run(Path goldenDir, Consumer<CaseResult> sink) {
        if (!Files.isDirectory(goldenDir)) {
            throw new ValleException(goldenDir + " is not a folder of golden cases");
        }
        List<CaseResult> results = new ArrayList<>();
        Consumer<CaseResult> report = r -> {
            results.add(r);
            sink.accept(r);
        };
        for (Path tokenizerCases : find(goldenDir, p -> p.getFileName().toString().matches("tokenizer_cases.*\\.json"))) {
            report.accept(tokenizer(goldenDir, tokenizerCases));
        }
        for (Path decodeCases : find(goldenDir, p -> p.getFileName().toString().matches("decode_cases.*\\.json"))) {
            runDecode(goldenDir, decodeCases, report);
        }
        for (Path model : find(goldenDir, p -> p.getFileName().toString().equals("model.sft"))) {
            runVariant(goldenDir, model.getParent(), report);
        }
        runText(goldenDir, report);
        for (Path manifest : find(goldenDir, p -> p.getFileName().toString().equals("manifest.json"))) {
            UnbuildableCases.reason(manifest.getParent())
                    .ifPresent(why -> report.accept(CaseResult.skip(relative(goldenDir, manifest.getParent()), why)));
        }
        CodecCases.run(goldenDir, plugins().codecs(), report);
        if (results.isEmpty()) {
            throw new ValleException(goldenDir + " holds no golden cases (no model.sft, no tokenizer_cases*.json, no decode_cases*.json,"
                    + " no text cases.json, no codec case manifest.json)");
        }
        return results;
    }

    private static void runDecode(Path root, Path file, Consumer<CaseResult> report) {
        try {
            DecodeCases.run(relative(root, file), Json.parseObject(GoldenFolder.read(file), file.toString()), report);
        } catch (RuntimeException e) {
            report.accept(new CaseResult(relative(root, file), false, "cannot read: " + e.getMessage()));
        }
    }

    /** Every {@code cases.json} of the text schema below {@code root}, through a model-less facade. */
    private void runText(Path root, Consumer<CaseResult> report) {
        List<Path> files = find(root, p -> p.getFileName().toString().equals("cases.json"));
        if (files.isEmpty()) {
            return;
        }
        try (Valle valle = Valle.builder().backend(backend).build()) {
            for (Path file : files) {
                Map<String, Object> doc;
                try {
                    doc = Json.parseObject(GoldenFolder.read(file), file.toString());
                } catch (RuntimeException e) {
                    report.accept(new CaseResult(relative(root, file), false, "cannot read: " + e.getMessage()));
                    continue;
                }
                if (TextCases.isTextSchema(doc)) {
                    TextCases.run(relative(root, file), doc, valle, report);
                }
            }
        }
    }

    private void runVariant(Path root, Path variant, Consumer<CaseResult> report) {
        List<Path> caseDirs;
        try (Stream<Path> s = Files.list(variant)) {
            caseDirs = s.filter(Files::isDirectory).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path inputsDir = variant.resolve("inputs");
        Path modelFile = variant.resolve("model.sft");
        Path lora = Files.isRegularFile(variant.resolve("lora.sft")) ? variant.resolve("lora.sft") : null;
        Optional<String> noProvider = archMissingOnBackend(modelFile);
        if (noProvider.isPresent()) {
            for (Path dir : caseDirs) {
                report.accept(CaseResult.skip(relative(root, dir), noProvider.get()));
            }
            return;
        }
        Valle valle;
        ValleModel model;
        VariantInputs inputs;
        try {
            if (lora == null) {
                valle = Valle.builder().model(modelFile).arch(arch).attention(attention).backend(backend).weights(weights)
                        .build();
                model = valle.model();
            } else {
                valle = Valle.builder().arch(arch).attention(attention).backend(backend).weights(weights).build();
                model = load(valle, modelFile, new LoraOptions(lora, loraMerge));
            }
            inputs = VariantInputs.read(new GoldenFolder(inputsDir));
        } catch (RuntimeException e) {
            for (Path dir : caseDirs) {
                if (!dir.equals(inputsDir)) {
                    report.accept(new CaseResult(relative(root, dir), false, "cannot load the variant: " + e.getMessage()));
                }
            }
            return;
        }
        CaseRun run = new CaseRun(valle, model, inputs, lora, loraMerge, options -> load(valle, modelFile, options));
        try (valle) {
            if (Files.isDirectory(inputsDir)) {
                report.accept(inputsCase(root, inputsDir, valle.tokenizer(), model.symbolMap()));
            }
            for (Path dir : caseDirs) {
                if (dir.equals(inputsDir)) {
                    continue;
                }
                Optional<CaseKind> kind = CaseKind.of(dir.getFileName().toString());
                if (kind.isEmpty()) {
                    if (Files.exists(dir.resolve("manifest.json"))) {
                        report.accept(new CaseResult(relative(root, dir), false, "not supported: unknown case kind"));
                    }
                    continue;
                }
                Check check = new Check();
                GoldenFolder g = new GoldenFolder(dir);
                try {
                    Optional<Object> levels = g.value("lora_rvq_levels");
                    CaseRun caseRun = levels.isPresent()
                            ? run.withLoraLevels(((List<?>) levels.get()).stream().map(l -> ((Number) l).intValue()).toList())
                            : run;
                    kind.get().run(caseRun, g, check);
                } catch (RuntimeException e) {
                    check.fail("error: " + e);
                } finally {
                    run.closeExtra();
                }
                report.accept(check.result(relative(root, dir)));
            }
        } finally {
            if (lora != null) {
                model.close();
            }
        }
    }

    /** The checkpoint with the facade's plugin choices and {@code lora} (null: none). */
    private ValleModel load(Valle valle, Path modelFile, LoraOptions lora) {
        Plugins plugins = valle.plugins();
        return ValleModel.load(modelFile, lora, weights, config -> plugins.selectArch(arch, config),
                () -> plugins.attention(attention));
    }

    private Plugins plugins() {
        return Plugins.discover().onBackend(Plugins.chosenName("backend", backend));
    }

    /**
     * Why a variant cannot run on the chosen backend: its checkpoint's {@code arch_type} has no provider there
     * although the backend narrows the arch kind. Empty when it can run, or when the checkpoint cannot be read
     * (loading it then reports that as a failure).
     */
    private Optional<String> archMissingOnBackend(Path model) {
        String chosen = Plugins.chosenName("backend", backend);
        if (PluginRegistry.AUTO.equals(chosen)) {
            return Optional.empty();
        }
        String archType;
        try (SafetensorsFile file = SafetensorsFile.open(model)) {
            String json = file.metadata().get("config");
            if (json == null) {
                return Optional.empty();
            }
            ModelConfig config = ModelConfig.parse(json, file.source());
            archType = config.experts() > 1 ? "mixtral" : config.archType();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        PluginRegistry<valle.api.arch.Arch> archs = plugins().archs();
        boolean narrowed = archs.all().stream().allMatch(a -> a.backend().equals(chosen));
        if (narrowed && archs.all().stream().noneMatch(a -> a.name().equals(archType))) {
            return Optional.of("arch '" + archType + "' has no provider on backend '" + chosen + "'");
        }
        return Optional.empty();
    }

    /**
     * The variant's text: when the manifest names the phonemes, the tokenizer must give the text ids; every
     * single-symbol entry of the checkpoint's {@code userdata.symmap} must map to the bundled tokenizer's id.
     */
    private static CaseResult inputsCase(Path root, Path inputsDir, PhonemeTokenizer tokenizer,
                                         Map<String, Integer> symbolMap) {
        GoldenFolder g = new GoldenFolder(inputsDir);
        Check check = new Check();
        int differing = 0;
        String example = "";
        for (Map.Entry<String, Integer> e : symbolMap.entrySet()) {
            String symbol = e.getKey();
            if (symbol.codePointCount(0, symbol.length()) == 1) {
                int id = tokenizer.encode(symbol)[1];
                if (id != e.getValue()) {
                    differing++;
                    example = "'" + symbol + "' is " + e.getValue() + " in the checkpoint, " + id + " in the tokenizer";
                }
            }
        }
        if (!symbolMap.isEmpty()) {
            check.equal("userdata.symmap symbols differing from the bundled tokenizer" + (differing > 0 ? " (" + example + ")" : ""),
                    0, differing);
        }
        g.value("phonemes").ifPresent(ph -> g.array("text_tokens").ifPresent(a -> {
            int[] ids = tokenizer.encode((String) ph);
            check.ints("text_tokens", a, ids, new int[] {ids.length});
        }));
        return check.result(relative(root, inputsDir));
    }

    private static CaseResult tokenizer(Path root, Path file) {
        Check check = new Check();
        try {
            Map<String, Object> doc = Json.parseObject(GoldenFolder.read(file), file.toString());
            PhonemeTokenizer tokenizer = PhonemeTokenizer.bundled();
            int n = 0;
            for (Object c : (List<?>) doc.get("cases")) {
                Map<?, ?> tc = (Map<?, ?>) c;
                String text = (String) tc.get("text");
                List<?> expected = (List<?>) tc.get("ids");
                PhonemeTokenizer.Encoding encoding = tokenizer.encodeWithOffsets(text);
                List<Long> ids = new ArrayList<>();
                List<List<Long>> offsets = new ArrayList<>();
                for (int i = 0; i < encoding.length(); i++) {
                    ids.add((long) encoding.ids()[i]);
                    offsets.add(List.of((long) encoding.start(i), (long) encoding.end(i)));
                }
                check.equal("case " + n + " \"" + text + "\" ids", expected, ids);
                if (tc.get("offsets") != null) {
                    check.equal("case " + n + " \"" + text + "\" offsets", tc.get("offsets"), offsets);
                }
                n++;
            }
        } catch (RuntimeException e) {
            check.fail("error: " + e);
        }
        return check.result(relative(root, file));
    }

    private static List<Path> find(Path root, java.util.function.Predicate<Path> match) {
        try (Stream<Path> s = Files.walk(root, MAX_DEPTH)) {
            return s.filter(Files::isRegularFile).filter(match).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String relative(Path root, Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }
}

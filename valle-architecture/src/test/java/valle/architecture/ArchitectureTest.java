package valle.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import valle.api.Experimental;
import valle.api.Stable;
import valle.core.Valle;

/**
 * The module boundaries over the main classes of every module: the API depends on the JDK only, the kit on the
 * API and the JDK, each plugin on itself, the API, the kit, SLF4J's API and its own runtime (plugins never on each
 * other), core, the CLI and the server on no plugin.
 */
class ArchitectureTest {
    /** The JDK a plugin or the kit may use: its base modules and the Vector API. */
    private static final String[] JDK = {"java..", "jdk.incubator.vector.."};

    private static JavaClasses classes;

    /** Each plugin's package and the third-party runtime it may use beside the API, the kit and the JDK. */
    record Plugin(String pkg, List<String> runtime) {
        @Override
        public String toString() {
            return pkg;
        }
    }

    static Stream<Plugin> plugins() {
        return Stream.of(
                new Plugin("valle.attention", List.of()),
                new Plugin("valle.arch.llama", List.of()),
                new Plugin("valle.arch.mamba", List.of()),
                new Plugin("valle.arch.mixtral", List.of()),
                new Plugin("valle.arch.retnet", List.of()),
                new Plugin("valle.codec", List.of()),
                new Plugin("valle.text", List.of()),
                new Plugin("valle.backend.onnx", List.of("ai.onnxruntime..", "ai.onnx.proto..", "com.google.protobuf..")),
                new Plugin("valle.backend.djl", List.of("ai.djl..")));
    }

    private static String[] pluginPackages() {
        return plugins().map(p -> p.pkg() + "..").toArray(String[]::new);
    }

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("valle");
    }

    @Test
    void theImportSeesEveryModule() {
        for (String pkg : new String[] {"valle.api", "valle.kit.thread", "valle.core", "valle.tck", "valle.tck.contract",
            "valle.attention", "valle.arch.llama", "valle.arch.mamba", "valle.arch.mixtral", "valle.arch.retnet",
            "valle.text.espeak", "valle.codec.encodec", "valle.codec.vocos", "valle.backend.onnx", "valle.backend.djl",
            "valle.server", "valle.cli", "valle.bench", "valle.example", "valle.spark"}) {
            assertTrue(classes.stream().anyMatch(c -> c.getPackageName().equals(pkg)), "no class of " + pkg + " imported");
        }
    }

    @Test
    void theApiDependsOnJavaOnly() {
        classes().that().resideInAPackage("valle.api..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("valle.api..", "java..")
                .check(classes);
    }

    @Test
    void theKitDependsOnTheApiAndTheJdkOnly() {
        classes().that().resideInAPackage("valle.kit..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(concat(List.of("valle.kit..", "valle.api.."), JDK))
                .check(classes);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plugins")
    void aPluginDependsOnItselfTheApiTheKitAndItsRuntimeOnly(Plugin plugin) {
        // and the logging facade, whose backend the application binds
        List<String> allowed = new java.util.ArrayList<>(List.of(plugin.pkg() + "..", "valle.api..", "valle.kit..",
                "org.slf4j.."));
        allowed.addAll(plugin.runtime());
        classes().that().resideInAPackage(plugin.pkg() + "..")
                .should().onlyDependOnClassesThat().resideInAnyPackage(concat(allowed, JDK))
                .check(classes);
    }

    @Test
    void coreNeverImportsAPlugin() {
        noClasses().that().resideInAPackage("valle.core..")
                .should().dependOnClassesThat().resideInAnyPackage(concat(List.of("valle.tck..", "valle.cli..",
                        "valle.server..", "ai.onnxruntime..", "ai.djl.."), pluginPackages()))
                .check(classes);
    }

    @Test
    void theCliAndTheServerNeverImportAPlugin() {
        noClasses().that().resideInAnyPackage("valle.cli..", "valle.server..")
                .should().dependOnClassesThat().resideInAnyPackage(pluginPackages())
                .check(classes);
    }

    /**
     * The Spark job embeds valle as any application does: through core's facade packages (and the API's values),
     * never a plugin or core's machinery.
     */
    @Test
    void theSparkJobUsesTheFacadeOnly() {
        classes().that().resideInAPackage("valle.spark..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("valle.spark..", "valle.core", "valle.core.speech",
                        "valle.core.audio", "valle.api..", "org.apache.spark..", "org.apache.hadoop..", "scala..", "java..")
                .check(classes);
    }

    @Test
    void guiceStaysInCoreWiringAndTheCli() {
        noClasses().that().resideOutsideOfPackages("valle.core", "valle.cli..")
                .should().dependOnClassesThat().resideInAPackage("com.google.inject..")
                .check(classes);
    }

    /**
     * Libraries report through return values, exceptions and the SLF4J API; the applications (the CLI, the example,
     * the batch job's main class) print.
     */
    @Test
    void onlyTheApplicationsPrintToStandardOutAndErr() {
        noClasses().that().resideOutsideOfPackages("valle.cli..", "valle.example..")
                .and().doNotHaveFullyQualifiedName("valle.spark.BatchMain")
                .should().accessField(System.class, "out")
                .orShould().accessField(System.class, "err")
                .orShould().callMethod(Throwable.class, "printStackTrace")
                .check(classes);
    }

    /** One logging facade, SLF4J, whose backend the application binds: not java.util.logging, not System.Logger. */
    @Test
    void everyModuleLogsThroughSlf4j() {
        noClasses().should().dependOnClassesThat(JavaClass.Predicates.resideInAPackage("java.util.logging..")
                        .or(JavaClass.Predicates.belongToAnyOf(System.Logger.class)))
                // a call is a dependency on its owner only, not on what it returns
                .orShould().callMethod(System.class, "getLogger", String.class)
                .orShould().callMethod(System.class, "getLogger", String.class, java.util.ResourceBundle.class)
                .check(classes);
    }

    @Test
    void publicApiTypesCarryAStatus() {
        publicTypesCarryAStatus("valle.api..");
    }

    @Test
    void publicKitTypesCarryAStatus() {
        publicTypesCarryAStatus("valle.kit..");
    }

    /**
     * valle.core is a facade: it exports to everyone only what an embedding application uses, and every public
     * type there says how stable it is; the machinery is exported to valle's own tools by name.
     */
    @Test
    void coresPublicPackagesAreTheFacadeAndCarryAStatus() throws IOException, URISyntaxException {
        Set<String> everyone = coreDescriptor().exports().stream().filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        assertEquals(Set.of("valle.core", "valle.core.speech", "valle.core.audio"), everyone);
        for (String pkg : everyone) {
            publicTypesCarryAStatus(pkg);
        }
    }

    @Test
    void packagesHaveNoCycles() {
        SlicesRuleDefinition.slices().matching("valle.(**)").should().beFreeOfCycles().check(classes);
    }

    private static void publicTypesCarryAStatus(String packages) {
        classes().that().resideInAPackage(packages).and().arePublic().and().areTopLevelClasses()
                .and().areNotAnnotations().and().doNotHaveSimpleName("package-info")
                .should().beAnnotatedWith(Stable.class).orShould().beAnnotatedWith(Experimental.class)
                .check(classes);
    }

    /** valle.core's module descriptor, read from its jar or classes folder. */
    private static ModuleDescriptor coreDescriptor() throws IOException, URISyntaxException {
        Path location = Path.of(Valle.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (Files.isDirectory(location)) {
            try (InputStream in = Files.newInputStream(location.resolve("module-info.class"))) {
                return ModuleDescriptor.read(in);
            }
        }
        try (JarFile jar = new JarFile(location.toFile());
                InputStream in = jar.getInputStream(jar.getEntry("module-info.class"))) {
            return ModuleDescriptor.read(in);
        }
    }

    private static String[] concat(List<String> first, String... rest) {
        return Stream.concat(first.stream(), Stream.of(rest)).toArray(String[]::new);
    }
}

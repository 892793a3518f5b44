package valle.tck;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SlicesRuleDefinition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import valle.api.Experimental;
import valle.api.Stable;

/** The module boundaries: the API depends on nothing of ours, plugins on the API only, core on no plugin. */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("valle");
    }

    @Test
    void theImportSeesEveryModule() {
        for (String pkg : new String[] {"valle.api", "valle.core", "valle.tck", "valle.attention", "valle.arch.llama", "valle.arch.mamba", "valle.arch.mixtral", "valle.arch.retnet",
            "valle.text.espeak", "valle.codec.encodec", "valle.codec.vocos", "valle.backend.onnx", "valle.backend.djl"}) {
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
    void pluginsDependOnTheApiOnly() {
        classes().that().resideInAnyPackage("valle.attention..", "valle.arch..", "valle.text..", "valle.codec..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("valle.api..", "valle.kit..", "valle.attention..",
                        "valle.arch..", "valle.text..", "valle.codec..", "java..", "jdk.incubator.vector..")
                .check(classes);
        // a backend module adds its runtime's library, and nothing else of ours
        classes().that().resideInAPackage("valle.backend.onnx..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("valle.api..", "valle.backend.onnx..", "java..",
                        "ai.onnxruntime..", "ai.onnx.proto..", "com.google.protobuf..")
                .check(classes);
        classes().that().resideInAPackage("valle.backend.djl..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("valle.api..", "valle.backend.djl..", "java..",
                        "ai.djl..")
                .check(classes);
        noClasses().that().resideInAPackage("valle.codec..")
                .should().dependOnClassesThat().resideInAnyPackage("valle.arch..", "valle.attention..", "valle.text..")
                .check(classes);
        noClasses().that().resideInAPackage("valle.text..")
                .should().dependOnClassesThat().resideInAnyPackage("valle.arch..", "valle.attention..").check(classes);
        noClasses().that().resideInAPackage("valle.attention..")
                .should().dependOnClassesThat().resideInAPackage("valle.arch..").check(classes);
    }

    @Test
    void coreNeverImportsAPlugin() {
        noClasses().that().resideInAPackage("valle.core..")
                .should().dependOnClassesThat().resideInAnyPackage("valle.attention..", "valle.arch..", "valle.text..", "valle.codec..", "valle.tck..",
                        "valle.cli..", "valle.backend..", "ai.onnxruntime..", "ai.djl..")
                .check(classes);
    }

    @Test
    void guiceStaysInCoreWiringAndTheCli() {
        noClasses().that().resideOutsideOfPackages("valle.core", "valle.cli..")
                .should().dependOnClassesThat().resideInAPackage("com.google.inject..")
                .check(classes);
    }

    @Test
    void onlyTheCliPrintsToStandardOut() {
        noClasses().that().resideOutsideOfPackage("valle.cli..")
                .should().accessField(System.class, "out").check(classes);
    }

    @Test
    void publicApiTypesCarryAStatus() {
        classes().that().resideInAPackage("valle.api..").and().arePublic().and().areTopLevelClasses()
                .and().areNotAnnotations().and().doNotHaveSimpleName("package-info")
                .should().beAnnotatedWith(Stable.class).orShould().beAnnotatedWith(Experimental.class)
                .check(classes);
    }

    @Test
    void packagesHaveNoCycles() {
        SlicesRuleDefinition.slices().matching("valle.(**)").should().beFreeOfCycles().check(classes);
    }
}

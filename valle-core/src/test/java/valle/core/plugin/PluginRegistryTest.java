package valle.core.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import valle.api.PluginNotFoundException;
import valle.api.ValleException;
import valle.api.plugin.Availability;
import valle.api.plugin.Plugin;

class PluginRegistryTest {
    private static final String KIND = "attention kernel";

    /** A plugin with a fixed name, priority and availability. */
    record Fake(String name, int priority, Availability availability) implements Plugin {
        static Fake ok(String name, int priority) {
            return new Fake(name, priority, Availability.yes());
        }

        static Fake unavailable(String name, int priority, String reason, String fix) {
            return new Fake(name, priority, Availability.no(reason, fix));
        }
    }

    /** A second provider class, for name clashes between classes. */
    record OtherFake(String name) implements Plugin {
        @Override
        public int priority() {
            return 0;
        }

        @Override
        public Availability availability() {
            return Availability.yes();
        }
    }

    /** A plugin on a backend other than java. */
    record OnBackend(String name, String backend, int priority, Availability availability) implements Plugin {
    }

    private static PluginRegistry<Fake> registry(Fake... providers) {
        return PluginRegistry.of(KIND, List.of(providers));
    }

    // ---- by name -----------------------------------------------------------------------------------------

    @Test
    void lookupByNameReturnsThatProviderWhateverItsPriority() {
        Fake sdpa = Fake.ok("sdpa", 10);
        Fake naive = Fake.ok("naive", 1);
        PluginRegistry<Fake> r = registry(sdpa, naive);
        assertSame(naive, r.get("naive"));
        assertSame(sdpa, r.get("sdpa"));
        assertEquals(KIND, r.kind());
    }

    @Test
    void explicitSelectionHasNoLosers() {
        Fake naive = Fake.ok("naive", 1);
        PluginRegistry.Selection<Fake> s = registry(Fake.ok("sdpa", 10), naive).select("naive", p -> Availability.yes());
        assertSame(naive, s.plugin());
        assertEquals(Map.of(), s.losers());
        assertEquals("naive (priority 1)", s.explain());
    }

    @Test
    void allListsEveryProviderSortedByName() {
        Fake c = Fake.ok("c", 1);
        Fake a = Fake.unavailable("a", 5, "needs a GPU", "");
        Fake b = Fake.ok("b", 9);
        assertEquals(List.of(a, b, c), registry(c, a, b).all());
    }

    @Test
    void unknownNameThrowsPluginNotFoundListingTheAvailableNames() {
        PluginRegistry<Fake> r = registry(Fake.ok("sdpa", 10), Fake.ok("naive", 1),
                Fake.unavailable("flash", 20, "needs the Vector API", "run with --add-modules jdk.incubator.vector"));
        PluginNotFoundException e = assertThrows(PluginNotFoundException.class, () -> r.get("fast"));
        String m = e.getMessage();
        assertTrue(m.startsWith("no attention kernel named 'fast'."), m);
        assertTrue(m.contains("sdpa") && m.contains("naive") && m.contains("flash"), m);
        assertTrue(m.contains("flash (needs the Vector API (run with --add-modules jdk.incubator.vector))"), m);
        assertEquals(List.of("flash", "naive", "sdpa"), e.known());
        assertEquals("fast", e.requested());
        assertEquals(KIND, e.kind());
    }

    @Test
    void unknownNameInAnEmptyRegistrySaysNoProviderWasFound() {
        PluginNotFoundException e = assertThrows(PluginNotFoundException.class, () -> registry().get("sdpa"));
        assertTrue(e.getMessage().contains("No attention kernel provider was found at all"), e.getMessage());
        assertEquals(List.of(), e.known());
    }

    @Test
    void explicitlyNamedUnavailablePluginFailsWithItsReasonAndFix() {
        PluginRegistry<Fake> r = registry(Fake.ok("sdpa", 10),
                Fake.unavailable("flash", 20, "needs the Vector API", "run with --add-modules jdk.incubator.vector"));
        PluginNotFoundException e = assertThrows(PluginNotFoundException.class, () -> r.get("flash"));
        String m = e.getMessage();
        assertTrue(m.startsWith("attention kernel 'flash' cannot run here: "), m);
        assertTrue(m.contains("needs the Vector API"), m);
        assertTrue(m.contains("run with --add-modules jdk.incubator.vector"), m);
        assertEquals("flash", e.requested());
        assertEquals(List.of("flash", "sdpa"), e.known());
    }

    @Test
    void explicitlyNamedPluginThatRefusesTheRequestFailsWithTheRefusal() {
        PluginRegistry<Fake> r = registry(Fake.ok("sdpa", 10));
        PluginNotFoundException e = assertThrows(PluginNotFoundException.class,
                () -> r.select("sdpa", p -> Availability.no("no sliding-window masks", "use --attention naive")));
        assertTrue(e.getMessage().contains("no sliding-window masks"), e.getMessage());
        assertTrue(e.getMessage().contains("use --attention naive"), e.getMessage());
    }

    @Test
    void supportsIsNotAskedAboutAnExplicitlyNamedUnavailablePlugin() {
        PluginRegistry<Fake> r = registry(Fake.unavailable("flash", 20, "needs the Vector API", ""));
        List<String> asked = new ArrayList<>();
        assertThrows(PluginNotFoundException.class, () -> r.select("flash", p -> {
            asked.add(p.name());
            return Availability.yes();
        }));
        assertEquals(List.of(), asked);
    }

    // ---- auto --------------------------------------------------------------------------------------------

    @Test
    void autoPicksTheHighestPriorityAvailablePlugin() {
        Fake sdpa = Fake.ok("sdpa", 10);
        PluginRegistry<Fake> r = registry(Fake.ok("naive", 1), sdpa, Fake.ok("tiled", 5));
        assertSame(sdpa, r.get(PluginRegistry.AUTO));
        assertSame(sdpa, r.get("auto"));
    }

    @Test
    void autoBreaksPriorityTiesByName() {
        Fake alpha = Fake.ok("alpha", 3);
        assertSame(alpha, registry(Fake.ok("beta", 3), alpha, Fake.ok("gamma", 3)).get("auto"));
    }

    @Test
    void autoHandlesNegativePriorities() {
        Fake least = Fake.ok("least", -5);
        Fake less = Fake.ok("less", -1);
        assertSame(less, registry(least, less).get("auto"));
    }

    @Test
    void autoNeverPrefersTheLowestPossiblePriority() {
        Fake normal = Fake.ok("normal", 0);
        assertSame(normal, registry(Fake.ok("last-resort", Integer.MIN_VALUE), normal).get("auto"));
    }

    @Test
    void autoSkipsUnavailablePlugins() {
        Fake sdpa = Fake.ok("sdpa", 10);
        PluginRegistry<Fake> r = registry(sdpa, Fake.unavailable("flash", 20, "needs the Vector API", "add the module"));
        assertSame(sdpa, r.get("auto"));
    }

    @Test
    void autoSkipsPluginsTheRequestIsRefusedByAndExplainsEveryLoser() {
        Fake naive = Fake.ok("naive", 1);
        PluginRegistry<Fake> r = registry(naive, Fake.ok("sdpa", 10), Fake.ok("tiled", 0),
                Fake.unavailable("flash", 20, "needs the Vector API", "run with --add-modules jdk.incubator.vector"));
        PluginRegistry.Selection<Fake> s = r.select("auto",
                p -> p.name().equals("sdpa") ? Availability.no("no sliding-window masks", "") : Availability.yes());
        assertSame(naive, s.plugin());
        assertEquals(List.of("flash", "sdpa", "tiled"), List.copyOf(s.losers().keySet()));
        assertEquals("needs the Vector API (run with --add-modules jdk.incubator.vector)", s.losers().get("flash"));
        assertEquals("no sliding-window masks", s.losers().get("sdpa"));
        assertEquals("priority 0", s.losers().get("tiled"));
        String x = s.explain();
        assertTrue(x.startsWith("naive (priority 1"), x);
        assertTrue(x.contains("flash: needs the Vector API"), x);
        assertTrue(x.contains("sdpa: no sliding-window masks"), x);
        assertTrue(x.contains("tiled: priority 0"), x);
    }

    @Test
    void autoNeverAsksSupportsAboutUnavailablePlugins() {
        PluginRegistry<Fake> r = registry(Fake.ok("sdpa", 10), Fake.unavailable("flash", 20, "needs the Vector API", ""));
        List<String> asked = new ArrayList<>();
        r.select("auto", p -> {
            asked.add(p.name());
            return Availability.yes();
        });
        assertEquals(List.of("sdpa"), asked);
    }

    @Test
    void autoWithNothingAvailableThrowsPluginNotFoundListingWhy() {
        PluginRegistry<Fake> r = registry(Fake.unavailable("flash", 20, "needs the Vector API", "add the module"),
                Fake.unavailable("gpu", 30, "no CUDA device", ""));
        PluginNotFoundException e = assertThrows(PluginNotFoundException.class, () -> r.get("auto"));
        assertEquals("auto", e.requested());
        assertEquals(List.of("flash", "gpu"), e.known());
        String m = e.getMessage();
        assertTrue(m.startsWith("no attention kernel can run this request."), m);
        assertTrue(m.contains("flash (needs the Vector API (add the module))"), m);
        assertTrue(m.contains("gpu (no CUDA device)"), m);
    }

    @Test
    void autoWhenTheRequestIsRefusedByEveryPluginThrowsPluginNotFound() {
        PluginRegistry<Fake> r = registry(Fake.ok("sdpa", 10), Fake.ok("naive", 1));
        PluginNotFoundException e = assertThrows(PluginNotFoundException.class,
                () -> r.select("auto", p -> Availability.no("no sliding-window masks", "")));
        assertEquals("auto", e.requested());
    }

    @Test
    void autoInAnEmptyRegistryThrowsPluginNotFound() {
        PluginNotFoundException e = assertThrows(PluginNotFoundException.class, () -> registry().get("auto"));
        assertTrue(e.getMessage().contains("No attention kernel provider was found at all"), e.getMessage());
    }

    // ---- construction ------------------------------------------------------------------------------------

    @Test
    void twoProvidersWithTheSameNameFailAtConstructionNamingBothClasses() {
        List<Plugin> providers = List.of(Fake.ok("sdpa", 10), new OtherFake("sdpa"));
        ValleException e = assertThrows(ValleException.class, () -> PluginRegistry.of(KIND, providers));
        String m = e.getMessage();
        assertTrue(m.contains("two attention kernel providers are named 'sdpa'"), m);
        assertTrue(m.contains(Fake.class.getName()), m);
        assertTrue(m.contains(OtherFake.class.getName()), m);
    }

    @Test
    void twoInstancesOfOneClassWithTheSameNameAlsoFail() {
        assertThrows(ValleException.class, () -> registry(Fake.ok("sdpa", 10), Fake.ok("sdpa", 1)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Flash", "auto", "1x", "", "-x", "mem_efficient", "sdpa ", "ﬂash"})
    @NullSource
    void invalidNamesAreRefusedNamingTheProviderClass(String name) {
        Fake bad = new Fake(name, 1, Availability.yes());
        ValleException e = assertThrows(ValleException.class, () -> registry(Fake.ok("sdpa", 1), bad));
        assertFalse(e instanceof PluginNotFoundException, "a bad provider is not a missing one");
        assertTrue(e.getMessage().contains("invalid name '" + name + "'"), e.getMessage());
        assertTrue(e.getMessage().contains(Fake.class.getName()), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"sdpa", "mem-efficient", "a", "x1", "llama-3"})
    void validNamesAreAccepted(String name) {
        Fake p = Fake.ok(name, 1);
        assertSame(p, registry(p).get(name));
    }

    @Test
    void theRegistryCopiesTheProviderList() {
        List<Fake> providers = new ArrayList<>(List.of(Fake.ok("sdpa", 1)));
        PluginRegistry<Fake> r = PluginRegistry.of(KIND, providers);
        providers.add(Fake.ok("naive", 2));
        assertEquals(1, r.all().size());
        assertInstanceOf(PluginNotFoundException.class,
                assertThrows(ValleException.class, () -> r.get("naive")));
    }

    // ---- backends ----------------------------------------------------------------------------------------

    /** A plugin whose availability check must not run (it stands for one that loads a native runtime). */
    record NotToBeAsked(String name, String backend, int priority) implements Plugin {
        @Override
        public Availability availability() {
            throw new AssertionError(name + " on " + backend + " was asked whether it can run");
        }
    }

    @Test
    void providersRankedBelowTheChoiceAreNotAskedWhetherTheyCanRun() {
        Plugin onnx = new OnBackend("llama", "onnx", 30, Availability.yes());
        Plugin djl = new NotToBeAsked("llama", "djl", 20);
        Plugin other = new NotToBeAsked("retnet", "java", 5);
        PluginRegistry<Plugin> r = PluginRegistry.of("arch", List.of(onnx, djl, other));
        PluginRegistry.Selection<Plugin> byName = r.select("llama", p -> Availability.yes());
        assertSame(onnx, byName.plugin());
        assertEquals("priority 20", byName.losers().get("llama on djl"));
        PluginRegistry.Selection<Plugin> auto = r.select("auto", p -> Availability.yes());
        assertSame(onnx, auto.plugin());
        assertEquals("priority 5", auto.losers().get("retnet"));
    }

    @Test
    void oneNameMayHaveAProviderOnEachBackendAndTheNameResolvesToTheBestAvailable() {
        Plugin java = Fake.ok("llama", 10);
        Plugin onnx = new OnBackend("llama", "onnx", 30, Availability.no("no native library", "use java"));
        Plugin djl = new OnBackend("llama", "djl", 20, Availability.yes());
        PluginRegistry<Plugin> r = PluginRegistry.of("arch", List.of(java, onnx, djl));
        assertEquals(List.of(onnx, djl, java), r.all());
        assertEquals(new java.util.TreeSet<>(List.of("djl", "java", "onnx")), r.backends());
        PluginRegistry.Selection<Plugin> s = r.select("llama", p -> Availability.yes());
        assertSame(djl, s.plugin());
        assertEquals("llama on djl (priority 20; llama on onnx: no native library (use java); llama on java: priority 10)",
                s.explain());
        assertSame(djl, r.get("auto"));
    }

    @Test
    void aNameTakenTwiceOnOneBackendFailsNamingTheBackend() {
        List<Plugin> providers = List.of(new OnBackend("llama", "onnx", 1, Availability.yes()),
                new OnBackend("llama", "onnx", 2, Availability.yes()), Fake.ok("llama", 1));
        ValleException e = assertThrows(ValleException.class, () -> PluginRegistry.of("arch", providers));
        assertTrue(e.getMessage().startsWith("two arch providers are named 'llama' on backend 'onnx': "), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ONNX", "auto", "", "on nx"})
    void invalidBackendsAreRefused(String backend) {
        ValleException e = assertThrows(ValleException.class,
                () -> PluginRegistry.of("arch", List.of(new OnBackend("llama", backend, 1, Availability.yes()))));
        assertTrue(e.getMessage().contains("invalid backend '" + backend + "'"), e.getMessage());
    }

    @Test
    void aBackendNarrowsAKindThatHasProvidersThereAndLeavesOtherKindsAlone() {
        Plugin java = Fake.ok("llama", 10);
        Plugin mamba = Fake.ok("mamba", 10);
        Plugin onnx = new OnBackend("llama", "onnx", 5, Availability.yes());
        PluginRegistry<Plugin> archs = PluginRegistry.of("arch", List.of(java, mamba, onnx));
        PluginRegistry<Plugin> onOnnx = archs.onBackend("onnx");
        assertEquals(List.of(onnx), onOnnx.all());
        assertSame(onnx, onOnnx.get("llama"));
        assertSame(onnx, onOnnx.get("auto"));
        PluginNotFoundException e = assertThrows(PluginNotFoundException.class, () -> onOnnx.get("mamba"));
        assertTrue(e.getMessage().contains("Only arch providers on backend 'onnx' were considered (--backend onnx; auto considers all)."),
                e.getMessage());
        assertSame(java, archs.onBackend("java").get("llama"));
        assertSame(archs, archs.onBackend("auto"));
        PluginRegistry<Fake> kernels = registry(Fake.ok("sdpa", 10));
        assertSame(kernels, kernels.onBackend("onnx"));
    }
}

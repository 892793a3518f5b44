package valle.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import valle.api.arch.Arch;
import valle.api.arch.Backbone;
import valle.api.arch.BackboneConfig;
import valle.api.arch.BackboneInput;
import valle.api.arch.BackboneState;
import valle.api.attention.AttentionKernel;
import valle.api.plugin.Availability;
import valle.api.tensor.Weights;
import valle.core.infer.ArLoop;
import valle.core.infer.Prompted;
import valle.core.infer.Sampling;
import valle.core.model.ValleModel;
import valle.core.plugin.Plugins;
import valle.core.sample.SamplingPipeline;
import valle.core.speech.InferenceSettings;
import valle.core.speech.Progress;

/**
 * An AR loop that fails part of the way (here: its progress listener throws, as a cancelled request's does)
 * closes every decoding state it opened, guidance's null pass and beam forks included, so that their buffers go
 * back to the backbone instead of leaking with each failed request.
 */
class ArLoopCleanupTest {
    private static final Path VARIANT = Path.of("golden/ar_nar");

    @ParameterizedTest
    @ValueSource(strings = {"plain", "guided", "beams"})
    void aLoopThatFailsMidWayClosesEveryStateItOpened(String kind) {
        Plugins plugins = Plugins.discover();
        CountingArch arch = new CountingArch(plugins.archs().get("llama"), 0);
        try (ValleModel model = ValleModel.load(VARIANT.resolve("model.sft"), config -> arch,
                () -> plugins.attention(null))) {
            VariantInputs in = VariantInputs.read(new GoldenFolder(VARIANT.resolve("inputs")));
            Map<String, Object> kwargs = switch (kind) {
                case "guided" -> Map.of("max_duration", 10, "cfg_strength", 1.0);
                case "beams" -> Map.of("max_duration", 10, "beam_width", 3);
                default -> Map.of("max_duration", 10);
            };
            InferenceSettings s = InferenceSettings.fromKwargs(kwargs);
            Sampling sampling = new Sampling(new SamplingPipeline(plugins.samplers().all()), s.ar(), new SplittableRandom(1));
            IllegalStateException cancelled = new IllegalStateException("request cancelled");
            Prompted prompted = in.prompted();
            IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> ArLoop.run(model, prompted, s,
                    sampling, null, new FailingAt(4, cancelled)));
            assertSame(cancelled, thrown);
            assertTrue(arch.opened.get() >= (kind.equals("plain") ? 1 : 2), kind + ": opened " + arch.opened.get());
            assertEquals(0, arch.open.get(), kind + ": states left open after the failure");
        }
    }

    /** Guidance opens a second state for its null pass: when that fails, the conditional pass's state is closed. */
    @org.junit.jupiter.api.Test
    void aNullPassThatCannotOpenClosesTheConditionalOne() {
        Plugins plugins = Plugins.discover();
        CountingArch arch = new CountingArch(plugins.archs().get("llama"), 2);
        try (ValleModel model = ValleModel.load(VARIANT.resolve("model.sft"), config -> arch,
                () -> plugins.attention(null))) {
            VariantInputs in = VariantInputs.read(new GoldenFolder(VARIANT.resolve("inputs")));
            InferenceSettings s = InferenceSettings.fromKwargs(Map.of("max_duration", 10, "cfg_strength", 1.0));
            Sampling sampling = new Sampling(new SamplingPipeline(plugins.samplers().all()), s.ar(), new SplittableRandom(1));
            Prompted prompted = in.prompted();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> ArLoop.run(model, prompted, s, sampling));
            assertEquals("no memory for another state", e.getMessage());
            assertEquals(1, arch.opened.get());
            assertEquals(0, arch.open.get(), "the conditional pass's state was left open");
        }
    }

    /** Throws {@code failure} when step {@code at} is reported. */
    private record FailingAt(int at, RuntimeException failure) implements Progress {
        @Override
        public void stage(String what) {
        }

        @Override
        public void step(int done, int total) {
            if (done == at) {
                throw failure;
            }
        }
    }

    /** The llama arch, its backbones counting the states they hand out and those closed. */
    private static final class CountingArch implements Arch {
        final Arch real;
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger open = new AtomicInteger();
        /** The state whose opening fails (1 = the first), 0 for none. */
        final int refuseAt;
        int asked;

        CountingArch(Arch real, int refuseAt) {
            this.real = real;
            this.refuseAt = refuseAt;
        }

        @Override
        public String name() {
            return real.name();
        }

        @Override
        public int priority() {
            return real.priority();
        }

        @Override
        public Availability availability() {
            return real.availability();
        }

        @Override
        public Backbone open(BackboneConfig config, Weights weights, AttentionKernel attention) {
            Backbone backbone = real.open(config, weights, attention);
            return new Backbone() {
                @Override
                public BackboneConfig config() {
                    return backbone.config();
                }

                @Override
                public float[] forward(BackboneInput input) {
                    return backbone.forward(input);
                }

                @Override
                public BackboneState newState() {
                    return counted(backbone::newState);
                }

                @Override
                public float[] forward(BackboneState state, BackboneInput input) {
                    return backbone.forward(((Counted) state).real, input);
                }

                @Override
                public void close() {
                    backbone.close();
                }
            };
        }

        Counted counted(java.util.function.Supplier<BackboneState> make) {
            if (++asked == refuseAt) {
                throw new IllegalStateException("no memory for another state");
            }
            Counted state = new Counted(make.get());
            opened.incrementAndGet();
            open.incrementAndGet();
            return state;
        }

        private final class Counted implements BackboneState {
            final BackboneState real;
            boolean closed;

            Counted(BackboneState real) {
                this.real = real;
            }

            @Override
            public int length() {
                return real.length();
            }

            @Override
            public BackboneState fork() {
                return counted(real::fork);
            }

            @Override
            public void reset() {
                real.reset();
            }

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    open.decrementAndGet();
                }
                real.close();
            }
        }
    }
}

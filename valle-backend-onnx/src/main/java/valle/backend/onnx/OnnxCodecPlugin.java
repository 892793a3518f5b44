package valle.backend.onnx;

import java.nio.file.Path;
import java.util.Optional;
import java.util.ServiceLoader;
import valle.api.codec.AudioCodec;
import valle.api.codec.Codec;
import valle.api.codec.CodecWeights;
import valle.api.plugin.Availability;
import valle.kit.plugin.DescribedPlugin;
import valle.kit.thread.ThreadCount;

/**
 * A codec plugin on ONNX Runtime. The plain-Java plugin of the same name reads the weight files
 * ({@link Codec#readWeights}: every layout it reads, checked as strictly), and this one builds ONNX graphs of
 * the tensors it hands out, so the two cannot disagree about a file.
 */
abstract class OnnxCodecPlugin extends DescribedPlugin implements Codec {
    private final boolean encodes;
    /** The java plugin that reads the weight files, once looked up ({@code null} before). */
    private volatile Optional<Codec> reader;

    /**
     * @param name    the java codec's name, whose weight files it reads
     * @param encodes whether the codec encodes as well as decodes (every ONNX codec decodes)
     * @see DescribedPlugin#DescribedPlugin(String, int, String)
     */
    OnnxCodecPlugin(String name, int priority, String description, boolean encodes) {
        super(name, priority, description);
        this.encodes = encodes;
    }

    @Override
    public final String backend() {
        return "onnx";
    }

    @Override
    public final boolean canEncode() {
        return encodes;
    }

    @Override
    public final boolean canDecode() {
        return true;
    }

    @Override
    public final Availability availability() {
        Availability ort = OrtRuntime.availability();
        if (!ort.ok()) {
            return ort;
        }
        return reader().isPresent() ? Availability.yes()
                : Availability.no("the onnx '" + name() + "' codec reads its weight files through the java '" + name()
                        + "' codec plugin, which is not on the path", "add the valle-codec module to the module path");
    }

    @Override
    public final AudioCodec open(Path location) {
        return build(requireReader().readWeights(location), threads());
    }

    @Override
    public final AudioCodec openRandom(long seed) {
        return build(requireReader().randomWeights(seed), threads());
    }

    /** The codec over weights the java plugin handed out. */
    abstract AudioCodec build(CodecWeights weights, int threads);

    /** ONNX Runtime's intra-op threads for a codec opened now: valle's one thread policy. */
    private static int threads() {
        return ThreadCount.configured();
    }

    private Codec requireReader() {
        return reader().orElseThrow(() -> new IllegalStateException(availability().toString()));
    }

    /** The java plugin of the same name, looked up once. */
    private Optional<Codec> reader() {
        Optional<Codec> r = reader;
        if (r == null) {
            r = findReader(name());
            reader = r;
        }
        return r;
    }

    /**
     * The java codec called {@code name}, found the way the registry finds plugins; a provider that fails to
     * load (a broken third-party module) is passed over, so that {@link #availability()} never throws.
     */
    private static Optional<Codec> findReader(String name) {
        for (var it = ServiceLoader.load(Codec.class, OnnxCodecPlugin.class.getClassLoader()).stream().iterator(); ; ) {
            try {
                if (!it.hasNext()) {
                    return Optional.empty();
                }
                Codec c = it.next().get();
                if (c.name().equals(name) && JAVA_BACKEND.equals(c.backend())) {
                    return Optional.of(c);
                }
            } catch (java.util.ServiceConfigurationError e) {
                // another provider is broken; the registry reports it, this lookup goes on
            }
        }
    }
}

package valle.api.tensor;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import valle.api.ModelFormatException;
import valle.api.Stable;

/**
 * Named tensors of a checkpoint, as views over the file (never copied eagerly). A backbone receives the
 * weights {@linkplain #scoped(String) scoped} to its own prefix (for VALL-E's Llama: {@code "model."}), so it
 * asks for {@code "layers.0.self_attn.q_proj.weight"}.
 */
@Stable(since = "0.1")
public interface Weights {

    /** Every tensor name, sorted. */
    Set<String> names();

    /** The tensor called {@code name}, if present. */
    Optional<TensorView> find(String name);

    /** Where the tensors come from, for error messages (a file name). */
    String source();

    /**
     * The tensor called {@code name}, checked against the expected shape.
     *
     * @throws ModelFormatException naming the source and tensor when it is missing or has another shape
     */
    default TensorView require(String name, int... expectedShape) {
        TensorView t = find(name).orElseThrow(() -> new ModelFormatException(
                source() + ": tensor '" + name + "' is missing"));
        if (!java.util.Arrays.equals(t.shape(), expectedShape)) {
            throw new ModelFormatException(source() + ": tensor '" + name + "' has shape "
                    + java.util.Arrays.toString(t.shape()) + ", expected " + java.util.Arrays.toString(expectedShape));
        }
        return t;
    }

    /** Weights over the given tensors, by their names (tests, models built in memory). */
    static Weights of(String source, java.util.Collection<? extends TensorView> tensors) {
        java.util.Map<String, TensorView> byName = new java.util.TreeMap<>();
        for (TensorView t : tensors) {
            if (byName.put(t.name(), t) != null) {
                throw new IllegalArgumentException(source + ": two tensors are named '" + t.name() + "'");
            }
        }
        return new Weights() {
            @Override
            public Set<String> names() {
                return new TreeSet<>(byName.keySet());
            }

            @Override
            public Optional<TensorView> find(String name) {
                return Optional.ofNullable(byName.get(name));
            }

            @Override
            public String source() {
                return source;
            }
        };
    }

    /** A view of the tensors whose names start with {@code prefix}, with the prefix removed. */
    default Weights scoped(String prefix) {
        Weights outer = this;
        return new Weights() {
            @Override
            public Set<String> names() {
                Set<String> out = new TreeSet<>();
                for (String n : outer.names()) {
                    if (n.startsWith(prefix)) {
                        out.add(n.substring(prefix.length()));
                    }
                }
                return out;
            }

            @Override
            public Optional<TensorView> find(String name) {
                return outer.find(prefix + name);
            }

            @Override
            public String source() {
                return outer.source();
            }

            @Override
            public TensorView require(String name, int... expectedShape) {
                return outer.require(prefix + name, expectedShape);
            }

            @Override
            public Optional<WeightFormat> requestedFormat() {
                return outer.requestedFormat();
            }
        };
    }

    /**
     * The format the loader asks the linear layers over these weights to be stored in (the backbone's attention
     * and MLP projections; embeddings and norms stay as they are); empty keeps each tensor's file dtype. An arch
     * is only given a format it {@linkplain valle.api.arch.Arch#supportsFormat supports}.
     */
    default Optional<WeightFormat> requestedFormat() {
        return Optional.empty();
    }

    /** The same tensors, with {@code format} {@linkplain #requestedFormat() requested} (null: the file dtype). */
    default Weights requesting(WeightFormat format) {
        Weights outer = this;
        Optional<WeightFormat> requested = Optional.ofNullable(format);
        return new Weights() {
            @Override
            public Set<String> names() {
                return outer.names();
            }

            @Override
            public Optional<TensorView> find(String name) {
                return outer.find(name);
            }

            @Override
            public String source() {
                return outer.source();
            }

            @Override
            public TensorView require(String name, int... expectedShape) {
                return outer.require(name, expectedShape);
            }

            @Override
            public Optional<WeightFormat> requestedFormat() {
                return requested;
            }
        };
    }
}

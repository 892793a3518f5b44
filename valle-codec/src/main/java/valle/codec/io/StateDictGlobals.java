package valle.codec.io;

import java.util.LinkedHashMap;
import java.util.Map;
import valle.api.ModelFormatException;
import valle.kit.io.PickleGlobals;
import valle.kit.io.PickleTuple;
import valle.kit.io.Unpickler;

/**
 * What the {@code data.pkl} of a {@code torch.save} archive holding a state dict may build, for the kit's strict
 * {@link Unpickler}: a {@code dict} or {@code collections.OrderedDict} (its {@code _metadata} attribute is accepted
 * and dropped) of names to tensors rebuilt by {@code torch._utils._rebuild_tensor_v2} (or wrapped by
 * {@code _rebuild_parameter}) from persistent storage ids {@code ('storage', torch.<Type>Storage, key,
 * location, numel)}. Only those globals are known; nothing is ever instantiated by name. Anything else is
 * refused with a {@link ModelFormatException} naming the source, the opcode and its offset.
 */
final class StateDictGlobals implements PickleGlobals {

    /** A persistent storage reference; its bytes are found by {@code key} in the archive. */
    record Storage(String type, String key, long numel) {
        @Override
        public String toString() {
            return "a storage";
        }
    }

    /** A tensor as pickled: a strided view of a storage. */
    record TensorRef(Storage storage, long offset, int[] size, long[] stride) {
        @Override
        public String toString() {
            return "a tensor";
        }
    }

    /** The globals a state dict may name. Compared, never instantiated from file content. */
    private enum Global {
        ORDERED_DICT("collections.OrderedDict"), REBUILD_TENSOR_V2("torch._utils._rebuild_tensor_v2"),
        REBUILD_PARAMETER("torch._utils._rebuild_parameter");

        private final String python;

        Global(String python) {
            this.python = python;
        }

        @Override
        public String toString() {
            return python;
        }
    }

    /** A storage type named by {@code GLOBAL torch <Type>Storage}. */
    private record StorageType(String name) {
        @Override
        public String toString() {
            return "torch." + name;
        }
    }

    private StateDictGlobals() {
    }

    /** The tensors of the pickled state dict, by name, in file order. */
    static Map<String, TensorRef> load(byte[] pickle, String source) {
        Object root = Unpickler.load(pickle, 0, source, new StateDictGlobals());
        if (!(root instanceof Map<?, ?> dict)) {
            throw new ModelFormatException(source + ": the checkpoint holds " + Unpickler.describe(root)
                    + ", not a state dict");
        }
        Map<String, TensorRef> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : dict.entrySet()) {
            if (!(e.getKey() instanceof String name) || !(e.getValue() instanceof TensorRef t)) {
                throw new ModelFormatException(source + ": the checkpoint's entry " + e.getKey() + " is "
                        + Unpickler.describe(e.getValue()) + ", not a tensor (a state dict holds tensors only; nested"
                        + " checkpoints such as {'model': ...} are not supported)");
            }
            out.put(name, t);
        }
        return out;
    }

    @Override
    public String kind() {
        return "a state-dict checkpoint";
    }

    @Override
    public Object global(String module, String name) {
        return switch (module + " " + name) {
            case "collections OrderedDict" -> Global.ORDERED_DICT;
            case "torch._utils _rebuild_tensor_v2" -> Global.REBUILD_TENSOR_V2;
            case "torch._utils _rebuild_parameter" -> Global.REBUILD_PARAMETER;
            default -> module.equals("torch") && TorchCheckpoint.storageWidth(name) > 0 ? new StorageType(name) : null;
        };
    }

    @Override
    public Object persistent(Object pid, Unpickler at) {
        if (!(pid instanceof PickleTuple t) || t.size() != 5 || !"storage".equals(t.get(0))
                || !(t.get(1) instanceof StorageType type) || !(t.get(2) instanceof String key)
                || !(t.get(4) instanceof Long numel) || numel < 0) {
            throw at.fail("persistent id is not ('storage', <type>, key, location, numel)");
        }
        return new Storage(type.name(), key, numel);
    }

    @Override
    public Object reduce(Object callable, PickleTuple args, Unpickler at) {
        if (!(callable instanceof Global g)) {
            throw at.fail("REDUCE on " + Unpickler.describe(callable) + ", which is not callable here");
        }
        return switch (g) {
            case ORDERED_DICT -> {
                if (args.size() != 0) {
                    throw at.fail("OrderedDict() takes no arguments here");
                }
                yield new LinkedHashMap<>();
            }
            case REBUILD_PARAMETER -> {
                if (args.size() < 1 || !(args.get(0) instanceof TensorRef t)) {
                    throw at.fail("_rebuild_parameter needs a tensor");
                }
                yield t;
            }
            case REBUILD_TENSOR_V2 -> {
                // (storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
                if (args.size() < 6 || args.size() > 7 || !(args.get(0) instanceof Storage s)
                        || !(args.get(1) instanceof Long offset) || !(args.get(2) instanceof PickleTuple size)
                        || !(args.get(3) instanceof PickleTuple stride) || size.size() != stride.size()) {
                    throw at.fail("_rebuild_tensor_v2 needs (storage, offset, size, stride, requires_grad, hooks)");
                }
                if (args.get(5) instanceof Map<?, ?> hooks && !hooks.isEmpty()) {
                    throw at.fail("tensors with backward hooks are not supported");
                }
                int[] dims = new int[size.size()];
                long[] strides = new long[dims.length];
                for (int i = 0; i < dims.length; i++) {
                    if (!(size.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE
                            || !(stride.get(i) instanceof Long st) || st < 0) {
                        throw at.fail("bad tensor size or stride");
                    }
                    dims[i] = (int) (long) d;
                    strides[i] = st;
                }
                yield new TensorRef(s, offset, dims, strides);
            }
        };
    }

    @Override
    public void build(Object target, Object state, Unpickler at) {
        // OrderedDict state: {'_metadata': OrderedDict of per-module versions}; it matters to PyTorch only
        if (target instanceof Map<?, ?> && state instanceof Map<?, ?> s && s.keySet().stream().allMatch("_metadata"::equals)) {
            return;
        }
        throw at.fail("BUILD on " + Unpickler.describe(target) + " with " + Unpickler.describe(state) + " is not allowed");
    }
}

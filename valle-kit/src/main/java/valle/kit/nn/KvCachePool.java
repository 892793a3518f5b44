package valle.kit.nn;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import valle.api.Experimental;

/**
 * The key and value arrays of closed {@link KvCache}s, kept for the next caches of the same backbone, so that a
 * server's requests reuse a few buffers instead of allocating (and zeroing, and collecting) a cache's worth of
 * heap each: at the published size a cache of 1,000 rows is some 100 MB. A cache takes buffers sized to its
 * request (the smallest kept ones that fit, else new ones) and gives them back when it is closed. At most
 * {@link #kept()} sets are kept, the largest, so the memory held stays bounded whatever the number of requests.
 */
@Experimental("shared by the Java transformer backbones since the kit was made")
public final class KvCachePool {
    /** Sets kept by default: an AR step with guidance holds two caches, and a NAR pass one more. */
    public static final int DEFAULT_KEPT = 4;

    private final int layers;
    private final int rowWidth;
    private final int kept;
    /** Whether its caches hold one layer's rows at a time ({@link #forPasses}). */
    private final boolean layersShareRows;
    /** Free sets, each {@code [keys of every layer..., values of every layer...]} of one capacity. */
    private final List<float[][]> free = new ArrayList<>();

    /** A pool for caches of {@code layers} layers of rows {@code rowWidth} wide, keeping up to {@code kept} free sets. */
    public KvCachePool(int layers, int rowWidth, int kept) {
        this(layers, rowWidth, kept, false);
    }

    private KvCachePool(int layers, int rowWidth, int kept, boolean layersShareRows) {
        if (layers < 0 || rowWidth < 1 || kept < 0) {
            throw new IllegalArgumentException("a KV cache pool needs layers >= 0, rowWidth >= 1 and kept >= 0, got "
                    + layers + ", " + rowWidth + ", " + kept);
        }
        this.layers = layers;
        this.rowWidth = rowWidth;
        this.kept = kept;
        this.layersShareRows = layersShareRows;
    }

    /**
     * A pool for the keys and values of full passes whose rows are not kept (a NAR or NAR-len pass): each layer's
     * attention reads its keys and values before the next layer computes its own, so its caches hold one layer's
     * rows, which every layer overwrites in turn. At the published size a NAR-len pass's two sequences then hold
     * 9 MB instead of 113 MB.
     */
    public static KvCachePool forPasses(int rowWidth, int kept) {
        return new KvCachePool(1, rowWidth, kept, true);
    }

    /** An empty cache of {@code owner}'s drawing its buffers from this pool. */
    public KvCache newCache(Object owner, String name) {
        return new KvCache(owner, name, this);
    }

    int layers() {
        return layers;
    }

    int rowWidth() {
        return rowWidth;
    }

    boolean layersShareRows() {
        return layersShareRows;
    }

    /** How many free sets the pool keeps at most. */
    public int kept() {
        return kept;
    }

    /** Free sets held now. */
    public synchronized int free() {
        return free.size();
    }

    /** Floats held by the free sets now (keys and values of every layer). */
    public synchronized long freeFloats() {
        return free.stream().mapToLong(s -> (long) s.length * capacity(s)).sum();
    }

    /** A set of at least {@code floats} floats per array: the smallest free one that fits, else a new one. */
    synchronized float[][] take(int floats) {
        float[][] best = null;
        for (float[][] set : free) {
            if (capacity(set) >= floats && (best == null || capacity(set) < capacity(best))) {
                best = set;
            }
        }
        if (best != null) {
            free.remove(best);
            return best;
        }
        float[][] set = new float[2 * layers][];
        for (int i = 0; i < set.length; i++) {
            set[i] = new float[floats];
        }
        return set;
    }

    /** Gives a set back; beyond {@link #kept()} the smallest set is dropped. */
    synchronized void give(float[][] set) {
        if (capacity(set) == 0 || kept == 0) {
            return;
        }
        free.add(set);
        if (free.size() > kept) {
            free.remove(free.stream().min(Comparator.comparingInt(KvCachePool::capacity)).orElseThrow());
        }
    }

    /** Drops every free set (the backbone is closing). */
    public synchronized void clear() {
        free.clear();
    }

    private static int capacity(float[][] set) {
        return set.length == 0 ? 0 : set[0].length;
    }
}

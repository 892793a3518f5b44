package valle.attention;

import java.util.ArrayList;
import java.util.List;
import valle.api.attention.AttentionKernel;
import valle.api.attention.AttentionProblem;
import valle.kit.plugin.DescribedPlugin;
import valle.kit.thread.KernelPool;
import valle.kit.thread.ThreadCount;

/**
 * Memory-efficient chunked attention ({@code docs/spec/archs.md} §7.4): for each query row the visible keys are cut
 * into chunks whose partial softmaxes ({@link Partial}) are computed independently and merged once, so extra
 * memory is O(chunks · valueDim) per row instead of O(keys). Query chunks run in parallel per head. For a
 * single query row (decoding over a long cache) it splits the keys instead ("split-KV", flash-decoding): each
 * split is one parallel task, and the splits merge at the end.
 */
public final class MemoryEfficientKernel extends DescribedPlugin implements AttentionKernel, AutoCloseable {
    /** Below this many keys a one-row decode is not worth splitting. */
    private static final int SPLIT_MIN_KEYS = 128;

    private final int queryChunk;
    private final int keyChunk;
    private final int splits;
    /** This kernel's threads ({@code valle.threads}, as configured where it was made); started on first use. */
    private final KernelPool pool;

    public MemoryEfficientKernel() {
        this(16, 256, 0, ThreadCount.configured());
    }

    /** @param splits key splits of a one-row decode; 0 = one per thread */
    MemoryEfficientKernel(int queryChunk, int keyChunk, int splits, int threads) {
        if (queryChunk < 1 || keyChunk < 1 || splits < 0 || threads < 1) {
            throw new IllegalArgumentException("chunks and threads must be >= 1, splits >= 0");
        }
        super("mem-efficient", 15);
        this.queryChunk = queryChunk;
        this.keyChunk = keyChunk;
        this.splits = splits;
        this.pool = new KernelPool(threads, "valle-mem-efficient");
    }

    /** Its chunks and threads. */
    @Override
    public String description() {
        return "chunked partial softmaxes merged once (Rabe-Staats), split-KV for one-row decoding, "
                + queryChunk + "x" + keyChunk + " chunks, " + pool.threads() + " thread(s)";
    }

    /**
     * Preferred only where split-KV has work no other kernel can spread: a one-row decode over a long cache
     * with fewer heads than threads (with more heads, per-head parallelism already fills the threads and the
     * benchmark shows flash and split-KV level).
     */
    @Override
    public int priority(AttentionProblem problem) {
        return problem.queries() == 1 && problem.keys() >= SPLIT_MIN_KEYS && problem.heads() < pool.threads() ? 40 : 15;
    }

    @Override
    public List<AttentionKernel> variants() {
        List<AttentionKernel> out = new ArrayList<>();
        int[] chunks = {1, 3, 16, 64, 4096};
        for (int c : chunks) {
            out.add(new MemoryEfficientKernel(c, c, 1, 1));
        }
        for (int s : new int[] {2, 7}) {
            out.add(new MemoryEfficientKernel(queryChunk, 3, s, 2));
        }
        return out;
    }

    /** A copy with another thread count (benchmarks). */
    public MemoryEfficientKernel withThreads(int n) {
        return new MemoryEfficientKernel(queryChunk, keyChunk, splits, n);
    }

    @Override
    public void attend(AttentionProblem p, float[] out, float[] logSumExp) {
        if (p.queries() == 1) {
            decode(p, out, logSumExp);
            return;
        }
        int chunks = (p.queries() + queryChunk - 1) / queryChunk;
        pool.forEach(p.heads() * chunks, task -> {
            int h = task / chunks;
            int i0 = (task % chunks) * queryChunk;
            int i1 = Math.min(i0 + queryChunk, p.queries());
            for (int i = i0; i < i1; i++) {
                int from = p.mask().visibleFrom(i, p.keys());
                int to = p.mask().visibleTo(i, p.keys());
                int n = Math.max(1, (Math.max(0, to - from) + keyChunk - 1) / keyChunk);
                Partial[] parts = new Partial[n];
                for (int c = 0; c < n; c++) {
                    parts[c] = partial(p, i, h, from + c * keyChunk, Math.min(from + (c + 1) * keyChunk, to), from, to);
                }
                finish(p, i, h, parts, out, logSumExp);
            }
        });
    }

    /** One query row: every head's visible keys cut into splits, each split a task. */
    private void decode(AttentionProblem p, float[] out, float[] logSumExp) {
        int from = p.mask().visibleFrom(0, p.keys());
        int to = p.mask().visibleTo(0, p.keys());
        int visible = Math.max(0, to - from);
        int n = splits > 0 ? splits : (visible >= SPLIT_MIN_KEYS ? pool.threads() : 1);
        n = Math.max(1, Math.min(n, Math.max(1, visible)));
        int count = n;
        Partial[][] parts = new Partial[p.heads()][count];
        pool.forEach(p.heads() * count, task -> {
            int h = task / count;
            int s = task % count;
            int lo = from + (int) ((long) visible * s / count);
            int hi = from + (int) ((long) visible * (s + 1) / count);
            parts[h][s] = partial(p, 0, h, lo, hi, from, to);
        });
        for (int h = 0; h < p.heads(); h++) {
            finish(p, 0, h, parts[h], out, logSumExp);
        }
    }

    private static void finish(AttentionProblem p, int i, int h, Partial[] parts, float[] out, float[] logSumExp) {
        float lse = Partial.merge(parts, out, (i * p.heads() + h) * p.valueDim());
        if (logSumExp != null) {
            logSumExp[i * p.heads() + h] = lse;
        }
    }

    /** The partial of keys {@code [lo, hi)} for query row {@code i} of head {@code h}. */
    private static Partial partial(AttentionProblem p, int i, int h, int lo, int hi, int from, int to) {
        Partial part = new Partial(p.valueDim());
        float[] bias = Scores.bias(p);
        float[] s = new float[Math.max(0, hi - lo)];
        for (int j = lo; j < hi; j++) {
            s[j - lo] = Scores.score(p, bias, i, h, j, from, to, true);
            part.max = Math.max(part.max, s[j - lo]);
        }
        if (part.max == Float.NEGATIVE_INFINITY) {
            return part;
        }
        for (int j = lo; j < hi; j++) {
            if (s[j - lo] == Float.NEGATIVE_INFINITY) {
                continue;
            }
            float e = (float) Math.exp(s[j - lo] - part.max);
            part.sum += e;
            Scores.addValue(p, h, j, e, part.acc, 0, true);
        }
        return part;
    }

    /** Stops this kernel's pool threads (its owner, a {@code Valle}, closes it); later calls run on the caller. */
    @Override
    public void close() {
        pool.close();
    }
}

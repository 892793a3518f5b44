package valle.tck;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import valle.api.attention.AttentionKernel;
import valle.api.attention.AttentionMask;
import valle.api.attention.AttentionProblem;

/**
 * The attention-kernel TCK ({@code docs/spec/archs.md} §7.6): every {@linkplain AttentionKernel#variants() variant}
 * of a kernel against a float64 oracle on random shapes (lengths off the tile sizes, one query row, fewer
 * queries than keys in both alignments, head widths 16/64/128, grouped-query attention) and every mask kind,
 * with hidden keys and values set to NaN (a correct kernel never reads them), a constant added to every score
 * (which must change nothing), fully masked rows (zero output, {@code -inf} log-sum-exp) and the log-sum-exp
 * identity {@code Σ exp(s - L) = 1}. Any kernel, ours or a third party's, can run it.
 */
public final class KernelConformance {
    /** Per element: {@code |o - oracle| <= ABSOLUTE + RELATIVE · |oracle|} (§7.5). */
    static final double ABSOLUTE = 1e-5;
    static final double RELATIVE = 1e-4;

    private KernelConformance() {
    }

    /** One named problem of the suite. */
    private record Case(String name, AttentionProblem problem) {
    }

    /** Runs every case on every variant of {@code kernel}; one result per case. */
    public static List<CaseResult> run(AttentionKernel kernel, Consumer<CaseResult> sink) {
        List<CaseResult> results = new ArrayList<>();
        for (Case c : cases()) {
            CaseResult r = check(kernel, c);
            results.add(r);
            sink.accept(r);
        }
        return results;
    }

    private static CaseResult check(AttentionKernel kernel, Case c) {
        String path = "kernel/" + kernel.name() + "/" + c.name();
        AttentionProblem p = c.problem();
        double[] lseRef = new double[p.queries() * p.heads()];
        double[] ref = oracle(p, lseRef);
        List<AttentionKernel> variants = kernel.variants();
        for (int v = 0; v < variants.size(); v++) {
            AttentionKernel k = variants.get(v);
            if (!k.supports(p)) {
                return new CaseResult(path, false, "not supported by variant " + v + " (" + k.description() + ")");
            }
            float[] out = new float[p.outputSize()];
            Arrays.fill(out, 12345f);
            float[] lse = new float[p.queries() * p.heads()];
            try {
                k.attend(p, out, lse);
            } catch (RuntimeException e) {
                return new CaseResult(path, false, "variant " + v + " (" + k.description() + ") threw " + e);
            }
            for (int i = 0; i < out.length; i++) {
                double tol = ABSOLUTE + RELATIVE * Math.abs(ref[i]);
                if (!(Math.abs(out[i] - ref[i]) <= tol)) {
                    return new CaseResult(path, false, String.format("variant %d (%s): output element %d is %.7g, "
                            + "oracle %.7g, tolerance %.1e", v, k.description(), i, out[i], ref[i], tol));
                }
            }
            for (int i = 0; i < lse.length; i++) {
                boolean bothEmpty = lseRef[i] == Double.NEGATIVE_INFINITY && lse[i] == Float.NEGATIVE_INFINITY;
                if (!bothEmpty && !(Math.abs(lse[i] - lseRef[i]) <= 1e-4 + 1e-5 * Math.abs(lseRef[i]))) {
                    return new CaseResult(path, false, String.format("variant %d (%s): log-sum-exp of row %d is %.7g, "
                            + "oracle %.7g", v, k.description(), i, lse[i], lseRef[i]));
                }
            }
            String identity = lseIdentity(p, lse);
            if (identity != null) {
                return new CaseResult(path, false, "variant " + v + " (" + k.description() + "): " + identity);
            }
        }
        return new CaseResult(path, true, variants.size() + " variants");
    }

    /** {@code Σ_j exp(s_ij - L_i) = 1} for every row that sees a key. */
    private static String lseIdentity(AttentionProblem p, float[] lse) {
        for (int i = 0; i < p.queries(); i++) {
            for (int h = 0; h < p.heads(); h++) {
                double l = lse[i * p.heads() + h];
                if (l == Double.NEGATIVE_INFINITY) {
                    continue;
                }
                double total = 0;
                for (int j = 0; j < p.keys(); j++) {
                    double s = score(p, i, h, j);
                    if (s != Double.NEGATIVE_INFINITY) {
                        total += Math.exp(s - l);
                    }
                }
                if (Math.abs(total - 1) > 1e-3) {
                    return "log-sum-exp identity fails at row " + i + " head " + h + ": Σ exp(s - L) = " + total;
                }
            }
        }
        return null;
    }

    private static List<Case> cases() {
        SplittableRandom rnd = new SplittableRandom(20261126);
        List<Case> out = new ArrayList<>();
        int[][] shapes = {
                // queries, keys, heads, kvHeads, headDim
                {1, 1, 1, 1, 16}, {1, 37, 4, 1, 64}, {1, 300, 4, 4, 64}, {7, 7, 4, 4, 16}, {33, 33, 4, 1, 64},
                {5, 70, 4, 4, 128}, {65, 65, 2, 2, 16}, {17, 129, 4, 2, 64},
        };
        for (int[] s : shapes) {
            int tq = s[0];
            int tk = s[1];
            String shape = tq + "x" + tk + "-h" + s[2] + "-kv" + s[3] + "-d" + s[4];
            out.add(make(rnd, "none/" + shape, s, AttentionMask.none()));
            out.add(make(rnd, "causal-bottom-right/" + shape, s, AttentionMask.causal(tk - tq)));
            if (tq <= tk) {
                out.add(make(rnd, "causal-top-left/" + shape, s, AttentionMask.causal(0)));
            }
            out.add(make(rnd, "key-padding/" + shape, s, new AttentionMask.KeyPadding(Math.max(1, tk - tk / 3))));
            out.add(make(rnd, "sliding-window/" + shape, s, new AttentionMask.SlidingWindow(tk - tq, 5)));
            out.add(make(rnd, "bias/" + shape, s, new AttentionMask.Bias(randomBias(rnd, tq, tk))));
        }
        int[] square = {9, 9, 2, 2, 16};
        // every score shifted by 100: exp(100) overflows float32, so only a max-subtracting kernel survives
        float[] shifted = new float[81];
        Arrays.fill(shifted, 100f);
        out.add(make(rnd, "constant-shift/9x9", square, new AttentionMask.Bias(shifted)));
        out.add(make(rnd, "fully-masked/9x9", square, new AttentionMask.KeyPadding(0)));
        out.add(make(rnd, "fully-masked-first-rows/9x9", square, AttentionMask.causal(-3)));
        float[] veStyle = new float[81];
        for (int i = 0; i < 9; i++) {
            for (int j = 0; j < 9; j++) {
                veStyle[i * 9 + j] = j <= i ? 0f : -Float.MAX_VALUE;
            }
        }
        out.add(make(rnd, "reference-finite-min-bias/9x9", square, new AttentionMask.Bias(veStyle)));
        return out;
    }

    /** Random q, k, v; the keys and values no query can see are NaN (a finite-bias mask reads all keys). */
    private static Case make(SplittableRandom rnd, String name, int[] s, AttentionMask mask) {
        int tq = s[0];
        int tk = s[1];
        int heads = s[2];
        int kvHeads = s[3];
        int d = s[4];
        float[] q = random(rnd, tq * heads * d, 1.5);
        float[] k = random(rnd, tk * kvHeads * d, 1.5);
        float[] v = random(rnd, tk * kvHeads * d, 1.0);
        if (!(mask instanceof AttentionMask.Bias b) || hasInfinity(b.values())) {
            for (int j = 0; j < tk; j++) {
                boolean seen = false;
                for (int i = 0; i < tq && !seen; i++) {
                    seen = mask.visible(i, j, tk);
                }
                if (!seen) {
                    Arrays.fill(k, j * kvHeads * d, (j + 1) * kvHeads * d, Float.NaN);
                    Arrays.fill(v, j * kvHeads * d, (j + 1) * kvHeads * d, Float.NaN);
                }
            }
        }
        return new Case(name, AttentionProblem.of(q, k, v, tq, tk, heads, kvHeads, d, mask));
    }

    private static boolean hasInfinity(float[] a) {
        for (float x : a) {
            if (x == Float.NEGATIVE_INFINITY) {
                return true;
            }
        }
        return false;
    }

    private static float[] randomBias(SplittableRandom rnd, int tq, int tk) {
        float[] b = new float[tq * tk];
        for (int i = 0; i < b.length; i++) {
            b[i] = rnd.nextDouble() < 0.2 ? Float.NEGATIVE_INFINITY : (float) (rnd.nextDouble() * 4 - 2);
        }
        // keep at least one key visible for most rows, and leave some rows fully hidden on purpose
        for (int i = 0; i < tq; i += 2) {
            b[i * tk] = 0f;
        }
        return b;
    }

    private static float[] random(SplittableRandom rnd, int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }

    private static double score(AttentionProblem p, int i, int h, int j) {
        if (!p.mask().visible(i, j, p.keys())) {
            return Double.NEGATIVE_INFINITY;
        }
        int d = p.headDim();
        int kvh = h / (p.heads() / p.kvHeads());
        double dot = 0;
        for (int c = 0; c < d; c++) {
            dot += (double) p.q()[(i * p.heads() + h) * d + c] * p.k()[(j * p.kvHeads() + kvh) * d + c];
        }
        double s = dot * p.scale();
        if (p.mask() instanceof AttentionMask.Bias b) {
            s += b.values()[i * p.keys() + j];
        }
        return s;
    }

    /** Float64 attention: output and log-sum-exp; rows with no visible key give zeros and {@code -inf}. */
    static double[] oracle(AttentionProblem p, double[] lse) {
        double[] out = new double[p.outputSize()];
        int dv = p.valueDim();
        int kvGroup = p.heads() / p.kvHeads();
        for (int i = 0; i < p.queries(); i++) {
            for (int h = 0; h < p.heads(); h++) {
                double[] s = new double[p.keys()];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < p.keys(); j++) {
                    s[j] = score(p, i, h, j);
                    max = Math.max(max, s[j]);
                }
                if (max == Double.NEGATIVE_INFINITY) {
                    lse[i * p.heads() + h] = Double.NEGATIVE_INFINITY;
                    continue;
                }
                double sum = 0;
                for (int j = 0; j < p.keys(); j++) {
                    sum += s[j] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(s[j] - max);
                }
                for (int j = 0; j < p.keys(); j++) {
                    if (s[j] == Double.NEGATIVE_INFINITY) {
                        continue;
                    }
                    double w = Math.exp(s[j] - max) / sum;
                    int vOff = (j * p.kvHeads() + h / kvGroup) * dv;
                    for (int c = 0; c < dv; c++) {
                        out[(i * p.heads() + h) * dv + c] += w * p.v()[vOff + c];
                    }
                }
                lse[i * p.heads() + h] = max + Math.log(sum);
            }
        }
        return out;
    }
}

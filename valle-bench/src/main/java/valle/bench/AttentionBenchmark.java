package valle.bench;

import java.util.ServiceLoader;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import valle.api.attention.AttentionKernel;
import valle.api.attention.AttentionMask;
import valle.api.attention.AttentionProblem;

/**
 * Each attention kernel on the shapes the Llama backbone gives it: 16 heads of width 64, a causal prefill of T
 * rows, one decoded row over a cache of T keys, or T rows that all see each other (a NAR pass); on 1 and 2 threads (kernels found by their plugin name;
 * a kernel with one thread ignores the setting). {@code java -jar valle-bench/target/benchmarks.jar Attention}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class AttentionBenchmark {
    private static final int HEADS = 16;
    private static final int HEAD_DIM = 64;

    @Param({"sdpa", "flash", "mem-efficient"})
    public String kernel;

    @Param({"300", "1000"})
    public int length;

    @Param({"prefill", "decode", "bidirectional"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    private AttentionKernel attention;
    private AttentionProblem problem;
    private float[] out;

    @Setup(Level.Trial)
    public void setUp() {
        attention = ServiceLoader.load(AttentionKernel.class).stream().map(ServiceLoader.Provider::get)
                .filter(k -> k.name().equals(kernel)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no attention kernel named " + kernel));
        attention = Threads.limit(attention, threads);
        SplittableRandom rnd = new SplittableRandom(1);
        int queries = shape.equals("decode") ? 1 : length;
        float[] q = random(rnd, queries * HEADS * HEAD_DIM);
        float[] k = random(rnd, length * HEADS * HEAD_DIM);
        float[] v = random(rnd, length * HEADS * HEAD_DIM);
        problem = AttentionProblem.of(q, k, v, queries, length, HEADS, HEADS, HEAD_DIM,
                shape.equals("bidirectional") ? AttentionMask.none() : AttentionMask.causal(length - queries));
        out = new float[problem.outputSize()];
    }

    @Benchmark
    public float[] attend() {
        attention.attend(problem, out, null);
        return out;
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }
}

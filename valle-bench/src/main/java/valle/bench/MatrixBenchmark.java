package valle.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import valle.kit.matrix.PackedMatrix;
import valle.api.tensor.WeightFormat;
import valle.kit.thread.KernelPool;

/**
 * The kit's matrix kernels (the llama plugin's) on the shapes of {@code docs/spec/performance.md} §2: matrix-vector products
 * with 1024×4096 and 4096×1024 weights (a ring of distinct matrices, 256 MB in f32, so that weights stream
 * from memory as in a decode step) and the matrix-matrix product 665×1024 · 1024×4096, per weight format, on
 * 1 and 2 threads. Besides operations per second, the {@code bytes} and {@code flops} counters come out as
 * rates (bytes/s of weights streamed, FLOP/s): {@code java -jar valle-bench/target/benchmarks.jar Matrix}
 */
@State(Scope.Benchmark)
// throughput mode turns the counters into rates: ops/s, bytes/s, FLOP/s
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
// the kernels take the Vector API only when its module is in the boot layer
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class MatrixBenchmark {
    private static final int RING_BYTES = 256 << 20;

    @Param({"f32", "bf16", "f16", "int8", "int4"})
    public String format;

    @Param({"1", "2"})
    public int threads;

    private KernelPool pool;
    private PackedMatrix[] wide;
    private PackedMatrix[] tall;
    private float[] x1024;
    private float[] x4096;
    private float[] y1024;
    private float[] y4096;
    private float[] a;
    private float[] c;
    private float[] a4096;
    private float[] c1024;
    private int next;

    /** Per-operation counters that JMH reports as rates. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Rates {
        public long bytes;
        public long flops;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
            flops = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        WeightFormat f = WeightFormat.parse(format);
        SplittableRandom rnd = new SplittableRandom(1);
        float[] w = new float[4096 * 1024];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        int ring = RING_BYTES / (w.length * 4);
        wide = new PackedMatrix[ring];
        tall = new PackedMatrix[ring];
        for (int i = 0; i < ring; i++) {
            wide[i] = PackedMatrix.of(f, w, 4096, 1024);
            tall[i] = PackedMatrix.of(f, w, 1024, 4096);
        }
        x1024 = java.util.Arrays.copyOf(w, 1024);
        x4096 = java.util.Arrays.copyOf(w, 4096);
        y1024 = new float[1024];
        y4096 = new float[4096];
        a = java.util.Arrays.copyOf(w, 665 * 1024);
        c = new float[665 * 4096];
        a4096 = java.util.Arrays.copyOf(w, 665 * 4096);
        c1024 = new float[665 * 1024];
        pool = new KernelPool(threads, "valle-jmh");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
    }

    /** {@code y [4096] = W [4096, 1024] · x}: the shape of the MLP's gate and up projections. */
    @Benchmark
    public float gemv1024to4096(Rates r) {
        PackedMatrix m = wide[next++ % wide.length];
        m.multiply(x1024, 1, y4096, pool);
        r.bytes += m.bytes();
        r.flops += 2L * 4096 * 1024;
        return y4096[0];
    }

    /** {@code y [1024] = W [1024, 4096] · x}: the shape of the MLP's down projection. */
    @Benchmark
    public float gemv4096to1024(Rates r) {
        PackedMatrix m = tall[next++ % tall.length];
        m.multiply(x4096, 1, y1024, pool);
        r.bytes += m.bytes();
        r.flops += 2L * 4096 * 1024;
        return y1024[0];
    }

    /** {@code C [665, 4096] = A [665, 1024] · Wᵀ}: a full pass's gate projection at S = 665. */
    @Benchmark
    public float gemm665x1024x4096(Rates r) {
        wide[0].multiply(a, 665, c, pool);
        r.bytes += wide[0].bytes();
        r.flops += 2L * 665 * 1024 * 4096;
        return c[0];
    }

    /** {@code C [665, 1024] = A [665, 4096] · Wᵀ}: a full pass's down projection at S = 665. */
    @Benchmark
    public float gemm665x4096x1024(Rates r) {
        tall[0].multiply(a4096, 665, c1024, pool);
        r.bytes += tall[0].bytes();
        r.flops += 2L * 665 * 4096 * 1024;
        return c1024[0];
    }
}

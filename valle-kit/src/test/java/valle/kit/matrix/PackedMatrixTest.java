package valle.kit.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import valle.api.tensor.ArrayTensor;
import valle.api.tensor.WeightFormat;
import valle.kit.thread.KernelPool;

class PackedMatrixTest {

    @ParameterizedTest(name = "{0} out={1} in={2} rows={3}")
    @CsvSource({
            "F32, 1, 1, 1", "F32, 7, 7, 3", "F32, 33, 15, 4", "F32, 65, 16, 5", "F32, 130, 17, 9", "F32, 64, 33, 1",
            "F32, 200, 300, 8", "F32, 3, 1024, 2", "F32, 96, 520, 13", "F32, 1025, 64, 1",
            "F32, 40, 4100, 150", "BF16, 70, 2050, 137",
            "BF16, 7, 7, 3", "BF16, 65, 16, 1", "BF16, 130, 300, 9", "BF16, 33, 257, 4",
            "F16, 7, 7, 3", "F16, 65, 16, 1", "F16, 130, 300, 9", "F16, 33, 257, 4",
            "INT8, 7, 7, 3", "INT8, 65, 16, 1", "INT8, 130, 300, 9", "INT8, 33, 257, 4", "INT8, 40, 600, 19",
            "INT4, 7, 7, 3", "INT4, 65, 16, 1", "INT4, 130, 300, 9", "INT4, 33, 257, 4", "INT4, 40, 600, 19",
            "INT4, 17, 33, 1", "INT8, 17, 33, 1"})
    void theFastPathMatchesTheSimpleLoopOnAwkwardSizes(WeightFormat format, int out, int in, int rows) {
        SplittableRandom rnd = new SplittableRandom(out * 31L + in * 7L + rows);
        PackedMatrix m = PackedMatrix.of(format, random(rnd, out * in), out, in);
        float[] x = random(rnd, rows * in);
        float[] simple = new float[rows * out];
        m.multiplySimple(x, rows, simple);
        for (int threads : new int[] {1, 2, 3}) {
            try (KernelPool pool = new KernelPool(threads, "test")) {
                float[] fast = new float[rows * out];
                java.util.Arrays.fill(fast, Float.NaN);   // every output must be written, none read
                m.multiply(x, rows, fast, pool);
                for (int i = 0; i < fast.length; i++) {
                    // only the summation order differs
                    assertEquals(simple[i], fast[i], 2e-6 * in, format + " element " + i + " threads " + threads);
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"70, 600, 1", "70, 600, 5", "70, 600, 8", "70, 600, 37", "33, 2050, 150"})
    void aBf16ProductIsTheF32ProductOfItsWidenedWeightsBitForBit(int out, int in, int rows) {
        // the tall tile widens bf16 in registers, the short tile and the matrix-vector kernel elsewhere: each
        // must multiply the very floats the f32 kernels get, in the same order (partial panels and blocks included)
        SplittableRandom rnd = new SplittableRandom(out * 13L + rows);
        PackedMatrix bf16 = PackedMatrix.of(WeightFormat.BF16, random(rnd, out * in), out, in);
        float[] widened = new float[out * in];
        for (int o = 0; o < out; o++) {
            for (int k = 0; k < in; k++) {
                widened[o * in + k] = bf16.weight(o, k);
            }
        }
        PackedMatrix f32 = PackedMatrix.of(WeightFormat.F32, widened, out, in);
        float[] x = random(rnd, rows * in);
        try (KernelPool pool = new KernelPool(2, "test")) {
            float[] expected = new float[rows * out];
            f32.multiply(x, rows, expected, pool);
            float[] actual = new float[rows * out];
            bf16.multiply(x, rows, actual, pool);
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected, actual, rows + " rows");
        }
    }

    @org.junit.jupiter.api.Test
    void aRowComesOutTheSameWhateverTileItFallsIn() {
        SplittableRandom rnd = new SplittableRandom(17);
        int out = 70;
        int in = 600;
        PackedMatrix m = PackedMatrix.of(WeightFormat.F32, random(rnd, out * in), out, in);
        float[] x = random(rnd, 17 * in);
        try (KernelPool pool = new KernelPool(2, "test")) {
            float[] all = new float[17 * out];
            m.multiply(x, 17, all, pool);
            // 512-bit vectors: 17 rows in 8-row tiles (the last padded), fewer than 8 in 4-row and 1-row tiles
            for (int rows : new int[] {5, 3, 2}) {
                float[] part = new float[rows * out];
                m.multiply(x, rows, part, pool);
                org.junit.jupiter.api.Assertions.assertArrayEquals(java.util.Arrays.copyOf(all, rows * out), part,
                        rows + " rows");
            }
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = WeightFormat.class, names = {"F32", "INT8"})
    void rowsSplitOverThreadsComeOutAsRowsSplitOverPanels(WeightFormat format) {
        // 4100 columns: a row block is 56 rows, so 150 rows go to the threads by rows, 9 rows by panels
        SplittableRandom rnd = new SplittableRandom(31);
        int out = 40;
        int in = 4100;
        PackedMatrix m = PackedMatrix.of(format, random(rnd, out * in), out, in);
        float[] x = random(rnd, 152 * in);
        try (KernelPool pool = new KernelPool(2, "test")) {
            float[] many = new float[150 * out];
            m.multiply(java.util.Arrays.copyOfRange(x, 2 * in, 152 * in), 150, many, pool);
            float[] few = new float[9 * out];
            m.multiply(java.util.Arrays.copyOfRange(x, 2 * in, 11 * in), 9, few, pool);
            org.junit.jupiter.api.Assertions.assertArrayEquals(few, java.util.Arrays.copyOf(many, 9 * out));
            // two one-row steps stacked before them: the steps as alone, the 150 rows as above
            float[] stacked = new float[152 * out];
            m.multiplyStacked(x, 2, 152, stacked, pool);
            org.junit.jupiter.api.Assertions.assertArrayEquals(many, java.util.Arrays.copyOfRange(stacked, 2 * out, 152 * out));
            for (int r = 0; r < 2; r++) {
                float[] alone = new float[out];
                m.multiply(java.util.Arrays.copyOfRange(x, r * in, (r + 1) * in), 1, alone, pool);
                org.junit.jupiter.api.Assertions.assertArrayEquals(alone,
                        java.util.Arrays.copyOfRange(stacked, r * out, (r + 1) * out), "step " + r);
            }
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = WeightFormat.class, names = {"F32", "BF16", "F16", "INT8", "INT4"})
    void stackedInputsComeOutBitForBitAsTheirOwnProducts(WeightFormat format) {
        // a batched backbone pass stacks one-row steps and several-row prefills: each input's outputs must be those
        // of its own product (70 outputs: a partial last panel; 600 columns: partial column and quantisation blocks)
        SplittableRandom rnd = new SplittableRandom(29);
        int out = 70;
        int in = 600;
        PackedMatrix m = PackedMatrix.of(format, random(rnd, out * in), out, in);
        int[][] layouts = {{1}, {1, 1, 1, 1}, {1, 1, 1, 1, 1, 1, 1}, {1, 2}, {1, 1, 1, 5, 9}, {3, 7}, {1, 17}, {2}};
        for (int threads : new int[] {1, 2}) {
            try (KernelPool pool = new KernelPool(threads, "test")) {
                for (int[] inputRows : layouts) {
                    int total = java.util.Arrays.stream(inputRows).sum();
                    int singles = (int) java.util.Arrays.stream(inputRows).takeWhile(n -> n == 1).count();
                    float[] x = random(rnd, total * in);
                    float[] stacked = new float[total * out];
                    java.util.Arrays.fill(stacked, Float.NaN);
                    m.multiplyStacked(x, singles, total, stacked, pool);
                    for (int i = 0, row = 0; i < inputRows.length; row += inputRows[i], i++) {
                        float[] own = new float[inputRows[i] * out];
                        m.multiply(java.util.Arrays.copyOfRange(x, row * in, (row + inputRows[i]) * in),
                                inputRows[i], own, pool);
                        org.junit.jupiter.api.Assertions.assertArrayEquals(own,
                                java.util.Arrays.copyOfRange(stacked, row * out, (row + inputRows[i]) * out),
                                format + " input " + i + " of " + java.util.Arrays.toString(inputRows)
                                        + ", threads " + threads);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = WeightFormat.class, names = {"F32", "BF16", "F16", "INT8", "INT4"})
    void theCompiledKernelsAllocateNothing(WeightFormat format) {
        // a vector the JIT cannot keep in a register is boxed: an inner loop that boxes its accumulators allocates
        // on every step and runs ~20x slower (the AVX2 cliff); once compiled, a product allocates nothing
        SplittableRandom rnd = new SplittableRandom(3);
        int out = 70;
        int in = 600;
        PackedMatrix m = PackedMatrix.of(format, random(rnd, out * in), out, in);
        float[] x = random(rnd, 19 * in);
        float[] y = new float[19 * out];
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (KernelPool pool = new KernelPool(1, "test")) {
            long perCall = Long.MAX_VALUE;
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (perCall > 64 && System.nanoTime() < deadline) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 200; i++) {
                    m.multiply(x, 1, y, pool);
                    m.multiply(x, 3, y, pool);
                    m.multiply(x, 19, y, pool);
                    // a batched pass's one-row steps, beside a prefill's rows
                    m.multiplyStacked(x, 4, 11, y, pool);
                }
                perCall = (threads.getCurrentThreadAllocatedBytes() - before) / 800;
            }
            assertTrue(perCall <= 64, format + ": still " + perCall + " bytes allocated per product after a minute"
                    + " of warm-up: a kernel's vectors are boxed (vector width " + PackedMatrix.vectorBits() + ")");
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = WeightFormat.class, names = {"F32", "BF16", "F16", "INT8", "INT4"})
    void theSameBitsColdAndWarm(WeightFormat format) {
        // no lane sums anywhere: the interpreter and the compiled kernels add in the same order
        SplittableRandom rnd = new SplittableRandom(13);
        PackedMatrix m = PackedMatrix.of(format, random(rnd, 40 * 257), 40, 257);
        float[] x = random(rnd, 5 * 257);
        try (KernelPool pool = new KernelPool(1, "test")) {
            float[] cold1 = new float[40];
            float[] cold5 = new float[5 * 40];
            m.multiply(x, 1, cold1, pool);
            m.multiply(x, 5, cold5, pool);
            float[] warm1 = new float[40];
            float[] warm5 = new float[5 * 40];
            for (int k = 0; k < 20_000; k++) {
                m.multiply(x, 1, warm1, pool);
                m.multiply(x, 5, warm5, pool);
            }
            org.junit.jupiter.api.Assertions.assertArrayEquals(cold1, warm1);
            org.junit.jupiter.api.Assertions.assertArrayEquals(cold5, warm5);
        }
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = WeightFormat.class, names = {"F32", "BF16", "F16", "INT8", "INT4"})
    void aClosedModelsWeightsRefuseEveryUse(WeightFormat format) {
        SplittableRandom rnd = new SplittableRandom(23);
        float[] w = random(rnd, 40 * 70);
        WeightMemory memory = WeightMemory.open("the test model");
        PackedMatrix m = PackedMatrix.of(format, 40, 70, (o, dst) -> System.arraycopy(w, o * 70, dst, 0, 70), memory);
        float[] x = random(rnd, 5 * 70);
        float[] y = new float[5 * 40];
        try (KernelPool pool = new KernelPool(2, "test")) {
            m.multiply(x, 5, y, pool);
            memory.close();
            memory.close();   // closing twice does nothing
            for (int rows : new int[] {1, 5}) {
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> m.multiply(x, rows, y, pool));
                assertTrue(e.getMessage().contains("the test model") && e.getMessage().contains("closed"), e.getMessage());
            }
            assertThrows(IllegalStateException.class, () -> m.multiplySimple(x, 1, y));
            assertThrows(IllegalStateException.class, () -> m.weight(0, 0));
        }
    }

    @Test
    void narrowFormatsKeepTheirFileValuesExactly() {
        // values that came from a bf16 / f16 file are restored bit for bit from their widened float32 form
        SplittableRandom rnd = new SplittableRandom(5);
        float[] bf = new float[40 * 9];
        float[] hf = new float[40 * 9];
        for (int i = 0; i < bf.length; i++) {
            float v = (float) (rnd.nextGaussian() * 3);
            bf[i] = Float.intBitsToFloat(Float.floatToRawIntBits(v) & 0xffff0000);
            hf[i] = Float.float16ToFloat(Float.floatToFloat16(v));
        }
        hf[3] = Float.float16ToFloat((short) 0x0001);   // the smallest subnormal
        hf[4] = Float.float16ToFloat((short) 0x83ff);   // a negative subnormal
        hf[5] = Float.float16ToFloat((short) 0x0400);   // the smallest normal
        hf[6] = -65504f;
        PackedMatrix b = PackedMatrix.of(new ArrayTensor("b", new int[] {40, 9}, bf), WeightFormat.BF16);
        PackedMatrix h = PackedMatrix.of(new ArrayTensor("h", new int[] {40, 9}, hf), WeightFormat.F16);
        for (int o = 0; o < 40; o++) {
            for (int k = 0; k < 9; k++) {
                assertEquals(bf[o * 9 + k], b.weight(o, k));
                assertEquals(hf[o * 9 + k], h.weight(o, k));
            }
        }
        // and the in-register widening agrees with the scalar one on those edge values
        float[] x = new float[9];
        for (int k = 0; k < 9; k++) {
            x[k] = k == 0 ? 1f : 0f;
        }
        float[] fast = new float[40];
        float[] simple = new float[40];
        try (KernelPool pool = new KernelPool(1, "test")) {
            h.multiply(x, 1, fast, pool);
        }
        h.multiplySimple(x, 1, simple);
        assertEquals(java.util.Arrays.toString(simple), java.util.Arrays.toString(fast));
    }

    @Test
    void aViewWhoseValuesDoNotFitItsDtypeIsKeptInF32() {
        // e.g. a LoRA-adapted weight computed over an f16 base: it says F16 but reads base + delta
        float[] exact = {0.5f, -2f, 0.25f, 1f};
        float[] inexact = {0.5f, -2f, 0.1f, 1f};
        assertEquals(WeightFormat.F16, PackedMatrix.keptFormat(view(valle.api.tensor.DType.F16, exact)));
        assertEquals(WeightFormat.F32, PackedMatrix.keptFormat(view(valle.api.tensor.DType.F16, inexact)));
        assertEquals(WeightFormat.BF16, PackedMatrix.keptFormat(view(valle.api.tensor.DType.BF16, exact)));
        assertEquals(WeightFormat.F32, PackedMatrix.keptFormat(view(valle.api.tensor.DType.BF16, inexact)));
        PackedMatrix m = PackedMatrix.of(view(valle.api.tensor.DType.F16, inexact), null);
        assertEquals(WeightFormat.F32, m.format());
        assertEquals(0.1f, m.weight(1, 0));
    }

    private static valle.api.tensor.TensorView view(valle.api.tensor.DType dtype, float[] values) {
        return new valle.api.tensor.TensorView() {
            public String name() {
                return "adapted";
            }

            public valle.api.tensor.DType dtype() {
                return dtype;
            }

            public int[] shape() {
                return new int[] {2, 2};
            }

            public void read(long start, float[] dst, int dstOffset, int count) {
                System.arraycopy(values, (int) start, dst, dstOffset, count);
            }
        };
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = WeightFormat.class, names = {"INT8", "INT4"})
    void quantisedWeightsAreTheKitQuantizersCodesPerBlock(WeightFormat format) {
        // the packed weights are exactly what the shared block quantiser restores, so every backend sees the same
        SplittableRandom rnd = new SplittableRandom(9);
        int out = 20;
        int in = 70;   // two whole blocks of 32 and a short one
        float[] w = random(rnd, out * in);
        w[5 * in + 40] = 30f;   // one large weight coarsens its own block only
        PackedMatrix q = PackedMatrix.of(format, w, out, in);
        var quantizer = valle.kit.quant.BlockQuantizer.of(format, PackedMatrix.QUANT_BLOCK);
        int blocks = quantizer.blocks(in);
        byte[] codes = new byte[in];
        float[] scales = new float[blocks];
        byte[] zeros = new byte[blocks];
        float[] restored = new float[in];
        for (int o = 0; o < out; o++) {
            quantizer.quantize(w, o * in, in, codes, scales, zeros);
            quantizer.dequantize(codes, scales, zeros, in, restored, 0);
            for (int k = 0; k < in; k++) {
                assertEquals(restored[k], q.weight(o, k), format + " weight " + o + "," + k);
                assertTrue(Math.abs(q.weight(o, k) - w[o * in + k]) <= scales[k / 32] / 2 * 1.0001f);
            }
        }
        assertTrue(Math.abs(q.weight(5, 10) - w[5 * in + 10]) < 0.01f * (format == WeightFormat.INT8 ? 1 : 10),
                "a block without the large weight keeps its fine scale");
        // codes for whole (padded) blocks and (padded) outputs, plus a float scale (int4: and zero point) per block
        long padded = (long) (out + PackedMatrix.panelWidth() - 1) / PackedMatrix.panelWidth() * PackedMatrix.panelWidth();
        long codeBytes = padded * blocks * 32 * (format == WeightFormat.INT8 ? 8 : 4) / 8;
        assertEquals(codeBytes + (format == WeightFormat.INT8 ? 4 : 8) * padded * blocks, q.bytes());
    }

    @Test
    void theKernelsUseThePreferredVectorWidth() {
        if (PackedMatrixTest.class.getModule().isNamed()) {
            assertEquals(jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize(), PackedMatrix.vectorBits());
            assertEquals(2 * jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length(), PackedMatrix.panelWidth());
        }
    }

    @Test
    void mismatchedSizesAreRefusedWithTheSizes() {
        PackedMatrix m = PackedMatrix.of(WeightFormat.F32, new float[6], 2, 3);
        try (KernelPool pool = new KernelPool(1, "test")) {
            var e = assertThrows(IllegalArgumentException.class, () -> m.multiply(new float[5], 2, new float[4], pool));
            assertTrue(e.getMessage().contains("2 rows need 6"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> WeightFormat.parse("fp8"));
        var nan = assertThrows(IllegalArgumentException.class,
                () -> PackedMatrix.of(WeightFormat.F16, new float[] {1f, Float.NaN}, 1, 2));
        assertTrue(nan.getMessage().contains("weight [0, 1] is NaN"), nan.getMessage());
        assertEquals(WeightFormat.BF16, WeightFormat.parse("bf16"));
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return a;
    }
}

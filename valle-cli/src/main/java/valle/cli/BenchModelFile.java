package valle.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import valle.api.arch.Arch;
import valle.api.arch.BackboneConfig;
import valle.api.tensor.DType;
import valle.api.tensor.TensorView;
import valle.api.tensor.Weights;

/**
 * A checkpoint of the published {@code ar+nar-len-llama-8} layout (D 1024, 16 heads, 12 layers, MLP 4096,
 * 8 RVQ levels, the AR / NAR / NAR-len / len heads) with random weights, written as a {@code .sft} file in
 * one dtype, so that {@code valle bench} loads it through the same reader, layout detection and arch plugin
 * as a downloaded model. The backbone's tensors come from the arch's own {@link Arch#randomWeights}. The AR
 * head's stop class gets a bias of -10⁴, so every AR run lasts its full length, as in the reference's timing.
 */
final class BenchModelFile {
    static final int WIDTH = 1024;
    static final int HEADS = 16;
    static final int MLP = 4096;
    private static final int AUDIO = 1024;

    private record Tensor(String name, int[] shape, TensorView source, float scale, float offset) {
    }

    private BenchModelFile() {
    }

    /** Writes the checkpoint to {@code path} and returns the number of parameters. */
    static long write(Path path, Arch arch, int layers, DType dtype, long seed) {
        // a mixture of experts at the published layout of Mixtral-style VALL-E models: 8 experts, top-2
        int experts = arch.name().equals("mixtral") ? 8 : 1;
        BackboneConfig backbone = new BackboneConfig(arch.name(), WIDTH, HEADS, HEADS, layers, MLP, 1e-6f, 10000f,
                "gelu", experts > 1 ? Map.of("experts", Integer.toString(experts)) : Map.of());
        Weights stack = arch.randomWeights(backbone, seed);
        List<Tensor> tensors = new ArrayList<>();
        int[] heads = {AUDIO + 1, AUDIO, AUDIO, AUDIO, AUDIO, AUDIO, AUDIO, AUDIO, AUDIO, 256, 11};
        for (int i = 0; i < heads.length; i++) {
            tensors.add(random("classifiers.proj." + i + ".weight", 0.03f, 0f, heads[i], WIDTH));
            tensors.add(random("classifiers.proj." + i + ".bias", 0.01f, 0f, heads[i]));
        }
        tensors.add(random("dropout_token", 0.02f, 0f, WIDTH));
        tensors.add(random("langs_emb.weight", 0.02f, 0f, 6, WIDTH));
        tensors.add(random("len_emb.weight", 0.02f, 0f, 11, WIDTH));
        for (String name : stack.names()) {
            TensorView t = stack.find(name).orElseThrow();
            tensors.add(new Tensor("model." + name, t.shape(), t, 1f, 0f));
        }
        for (int l = 0; l < 8; l++) {
            tensors.add(random("proms_emb.embeddings." + l + ".weight", 0.02f, 0f, AUDIO, WIDTH));
        }
        for (int l = 0; l < 9; l++) {
            tensors.add(random("resps_emb.embeddings." + l + ".weight", 0.02f, 0f, l == 0 || l == 8 ? AUDIO + 1 : AUDIO, WIDTH));
        }
        tensors.add(random("rvq_l_emb.weight", 0.02f, 0f, 8, WIDTH));
        tensors.add(random("sep", 0.02f, 0f, WIDTH));
        tensors.add(random("tasks_emb.weight", 0.02f, 0f, 9, WIDTH));
        tensors.add(random("text_emb.weight", 0.02f, 0f, 256, WIDTH));
        tensors.add(random("tones_emb.weight", 0.02f, 0f, 1, WIDTH));

        String config = "{\"name\":\"bench-random\",\"version\":5,\"size\":{\"dim\":" + WIDTH + ",\"heads\":" + HEADS
                + ",\"layers\":" + layers + "},\"resp_levels\":8,\"tasks\":9,\"langs\":6,\"tones\":1,\"experts\":" + experts + ","
                + "\"arch_type\":\"" + arch.name() + "\",\"capabilities\":[\"ar\",\"nar\",\"len\",\"lang\"],"
                + "\"experimental\":{\"split_classifiers\":true,\"audio_embedding_sums\":true,\"kv_heads\":0,"
                + "\"noncausal_masks\":true,\"classifiers_bias\":true,\"tie_classifier_to_embedding\":false,"
                + "\"unified_position_ids\":false,\"interleave\":false,\"hf\":false}}";
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"config\":").append(quote(config)).append('}');
        long offset = 0;
        long params = 0;
        for (Tensor t : tensors) {
            long n = count(t.shape());
            params += n;
            header.append(',').append(quote(t.name())).append(":{\"dtype\":\"").append(dtype.name())
                    .append("\",\"shape\":").append(java.util.Arrays.toString(t.shape()).replace(" ", ""))
                    .append(",\"data_offsets\":[").append(offset).append(',').append(offset + n * dtype.byteSize())
                    .append("]}");
            offset += n * dtype.byteSize();
        }
        header.append('}');
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        SplittableRandom rnd = new SplittableRandom(seed);
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer head = ByteBuffer.allocate(8 + json.length).order(ByteOrder.LITTLE_ENDIAN);
            head.putLong(json.length).put(json).flip();
            writeFully(ch, head);
            ByteBuffer buf = ByteBuffer.allocate(1 << 22).order(ByteOrder.LITTLE_ENDIAN);
            float[] row = new float[WIDTH * 4];
            for (Tensor t : tensors) {
                long n = count(t.shape());
                boolean stopBias = t.name().equals("classifiers.proj.0.bias");
                for (long i = 0; i < n; i += row.length) {
                    int m = (int) Math.min(row.length, n - i);
                    if (t.source() != null) {
                        t.source().read(i, row, 0, m);
                    } else {
                        for (int j = 0; j < m; j++) {
                            row[j] = t.offset() + t.scale() * (float) (rnd.nextDouble() * 2 - 1);
                        }
                    }
                    if (stopBias && i + m > AUDIO) {
                        row[(int) (AUDIO - i)] = -1e4f;
                    }
                    for (int j = 0; j < m; j++) {
                        if (buf.remaining() < 4) {
                            buf.flip();
                            writeFully(ch, buf);
                            buf.clear();
                        }
                        switch (dtype) {
                            case F32 -> buf.putFloat(row[j]);
                            case F16 -> buf.putShort(Float.floatToFloat16(row[j]));
                            case BF16 -> buf.putShort((short) (Float.floatToRawIntBits(row[j]) >>> 16));
                        }
                    }
                }
            }
            buf.flip();
            writeFully(ch, buf);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the benchmark model " + path + ": " + e.getMessage(), e);
        }
        return params;
    }

    private static Tensor random(String name, float scale, float offset, int... shape) {
        return new Tensor(name, shape, null, scale, offset);
    }

    private static long count(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}

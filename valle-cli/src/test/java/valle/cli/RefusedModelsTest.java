package valle.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A checkpoint the reference itself cannot build is refused in one line with exit status 1. */
class RefusedModelsTest {
    private static final Path GOLDEN = Path.of("..", "valle-tck", "golden");

    @Test
    void aTransformerCheckpointIsRefusedWithTheReferencesReasonAndStatusOne(@TempDir Path tmp) throws Exception {
        byte[] raw = Files.readAllBytes(GOLDEN.resolve("arch-more/ar_nar_mixtral/model.sft"));
        int length = (int) ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        String header = new String(raw, 8, length, StandardCharsets.UTF_8)
                .replace("\\\"arch_type\\\":\\\"mixtral\\\"", "\\\"arch_type\\\":\\\"transformer\\\"");
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + h.length + raw.length - 8 - length).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(h.length).put(h).put(raw, 8 + length, raw.length - 8 - length);
        Path model = tmp.resolve("transformer.sft");
        Files.write(model, out.array());

        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        int code = Main.run(new String[] {"speak", "--model", model.toString(), "--phonemes", "həlˈoʊ",
            "--prompt-codes", GOLDEN.resolve("ar_nar/inputs/prom_codes.npy").toString(),
            "--codes-out", tmp.resolve("codes.npy").toString()}, new PrintWriter(stdout, true), new PrintWriter(stderr, true));
        assertEquals(1, code, stderr.toString());
        String message = stderr.toString().strip();
        assertTrue(message.startsWith("valle: transformer.sft: the reference cannot build arch_type transformer"), message);
        assertTrue(!message.contains("\n"), message);
        assertTrue(Files.notExists(tmp.resolve("codes.npy")));
    }
}

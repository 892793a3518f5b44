package valle.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import valle.api.UnbuildableModelException;

class ReferenceGapsTest {
    private static final Path MIXTRAL = Path.of("../valle-tck/golden/arch-more/ar_nar_mixtral/model.sft");

    @ParameterizedTest
    @CsvSource({"transformer,4,AttributeError", "bitnet,4,Unknown arch specified: bitnet", "mistral,1,NameError",
            "mixtral,1,NameError", "retnet-hf,1,Unknown arch specified: retnet-hf", "mamba2,1,CUDA-only"})
    void aConfigurationTheReferenceCannotRunIsRefusedInOneLine(String arch, int experts, String upstream,
                                                                @TempDir Path tmp) throws Exception {
        Path model = withConfig(tmp, "\\\"arch_type\\\":\\\"" + arch + "\\\"", "\\\"experts\\\":" + experts);
        UnbuildableModelException e = assertThrows(UnbuildableModelException.class, () -> ValleModel.load(model, config -> {
            throw new AssertionError("no arch may be chosen for a refused configuration");
        }, () -> null));
        assertTrue(e.getMessage().startsWith("model.sft: the reference cannot"), e.getMessage());
        assertTrue(e.getMessage().contains(upstream), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void mixtralWithExpertsIsNotRefused() {
        assertTrue(ReferenceGaps.reason("mixtral", 4).isEmpty());
        assertTrue(ReferenceGaps.reason("llama", 1).isEmpty());
        assertEquals("the reference cannot build arch_type transformer", ReferenceGaps.cannotBuild("transformer").orElseThrow());
    }

    /** The golden Mixtral checkpoint with its config's arch_type and experts entries replaced. */
    private static Path withConfig(Path tmp, String archType, String experts) throws Exception {
        byte[] raw = Files.readAllBytes(MIXTRAL);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        int headerLength = (int) b.getLong(0);
        String header = new String(raw, 8, headerLength, StandardCharsets.UTF_8);
        String edited = header.replace("\\\"arch_type\\\":\\\"mixtral\\\"", archType)
                .replace("\\\"experts\\\":4", experts);
        assertTrue(!edited.equals(header), "the golden config has no arch_type / experts entry to edit");
        byte[] h = edited.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(8 + h.length + raw.length - 8 - headerLength).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(h.length).put(h).put(raw, 8 + headerLength, raw.length - 8 - headerLength);
        Path file = tmp.resolve("model.sft");
        Files.write(file, out.array());
        return file;
    }
}

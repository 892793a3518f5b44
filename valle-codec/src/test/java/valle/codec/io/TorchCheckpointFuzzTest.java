package valle.codec.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import valle.api.ModelFormatException;
import valle.api.tensor.TensorView;
import valle.api.tensor.Weights;

/**
 * Coverage-guided fuzzing of the PyTorch checkpoint reader: the zip layer and the allow-list unpickler. An input
 * that starts like a zip ({@code PK}) is read as the whole file; any other input is taken as {@code data.pkl}
 * and wrapped in a well-formed archive with one 64-byte storage {@code data/0}, so the mutations reach the
 * unpickler and the tensor gathering instead of dying in the zip checks. Either way the file is refused with a
 * {@link ModelFormatException} or read into tensors whose sizes match their shapes. Regression inputs:
 * {@code TorchCheckpointFuzzTestInputs/read}.
 */
class TorchCheckpointFuzzTest {
    private static final Path FILE = scratchFile();

    @FuzzTest(maxDuration = "10m")
    void read(byte[] input) throws IOException {
        boolean zip = input.length >= 2 && input[0] == 'P' && input[1] == 'K';
        Files.write(FILE, zip ? input : archive(input));
        Weights weights;
        try {
            weights = WeightFile.read(FILE);
        } catch (ModelFormatException refused) {
            return;
        }
        for (String name : weights.names()) {
            TensorView t = weights.find(name).orElseThrow();
            long count = 1;
            for (int d : t.shape()) {
                count *= d;
            }
            assertEquals(count, t.size(), name);
        }
    }

    private static byte[] archive(byte[] pickle) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            out.putNextEntry(new ZipEntry("archive/data.pkl"));
            out.write(pickle);
            out.putNextEntry(new ZipEntry("archive/byteorder"));
            out.write("little".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.putNextEntry(new ZipEntry("archive/data/0"));
            out.write(new byte[64]);
        }
        return bytes.toByteArray();
    }

    private static Path scratchFile() {
        try {
            Path f = Files.createTempFile("valle-fuzz-", ".th");
            f.toFile().deleteOnExit();
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

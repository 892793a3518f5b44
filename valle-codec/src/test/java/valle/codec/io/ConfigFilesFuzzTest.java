package valle.codec.io;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import valle.api.ModelFormatException;
import valle.kit.io.Json;

/**
 * Coverage-guided fuzzing of the codec config readers: any text is parsed by the JSON reader
 * ({@code config.json}) and the YAML reader ({@code config.yaml}), each of which returns a mapping or refuses
 * it with a {@link ModelFormatException}. Regression inputs: {@code ConfigFilesFuzzTestInputs/parse}.
 */
class ConfigFilesFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void parse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        try {
            Json.parseObject(text, "config.json");
        } catch (ModelFormatException refused) {
            // expected for most inputs
        }
        try {
            Yaml.parse(text, "config.yaml");
        } catch (ModelFormatException refused) {
            // expected for most inputs
        }
    }
}

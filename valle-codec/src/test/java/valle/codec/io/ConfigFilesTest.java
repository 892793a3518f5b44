package valle.codec.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import valle.api.ModelFormatException;
import valle.kit.io.Json;

class ConfigFilesTest {

    @Test
    void jsonValuesReachTheConfigMap() {
        Map<String, Object> m = Json.parseObject("{\"a\": [1, 2.5, -3e2], \"b\": {\"c\": null, \"d\": \"x\\u00e9\\n\"}, \"e\": true}", "t");
        assertEquals(List.of(1L, 2.5, -300.0), m.get("a"));
        ConfigMap c = new ConfigMap(m, "t");
        assertNull(((Map<?, ?>) m.get("b")).get("c"));
        assertEquals("x\u00e9\n", c.section("b").string("d"));
        assertTrue(c.bool("e", false));
    }

    @Test
    void configMapNamesTheKeyPathOfAMistake() {
        ConfigMap c = new ConfigMap(Json.parseObject("{\"head\": {\"n_fft\": \"big\"}}", "x"), "config.yaml");
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> c.section("head").integer("n_fft"));
        assertEquals("config.yaml: head.n_fft must be an integer, found big", e.getMessage());
        e = assertThrows(ModelFormatException.class, () -> c.section("backbone"));
        assertEquals("config.yaml: backbone is missing", e.getMessage());
    }

    @Test
    void yamlOfVocosShape() {
        String text = """
                feature_extractor:
                  class_path: vocos.feature_extractors.EncodecFeatures
                  init_args:
                    encodec_model: encodec_24khz
                    bandwidths: [1.5, 3.0, 6.0, 12.0]
                    train_codebooks: false

                backbone:  # the network
                  init_args:
                    num_layers: 8
                    rate: 24_000
                    eps: 1.0e-6
                    name: 'it''s'
                    empty:
                """;
        ConfigMap c = new ConfigMap(Yaml.parse(text, "config.yaml"), "config.yaml");
        ConfigMap fe = c.section("feature_extractor");
        assertEquals("vocos.feature_extractors.EncodecFeatures", fe.string("class_path"));
        assertArrayEquals(new double[] {1.5, 3, 6, 12}, fe.section("init_args").numbers("bandwidths"));
        assertTrue(!fe.section("init_args").bool("train_codebooks", true));
        ConfigMap bb = c.section("backbone").section("init_args");
        assertEquals(8, bb.integer("num_layers"));
        assertEquals(24000, bb.integer("rate"));
        assertEquals(1e-6, bb.number("eps"));
        assertEquals("it's", bb.string("name"));
        assertTrue(!bb.has("empty"));
    }

    @Test
    void yamlBeyondTheSubsetIsRefusedNamingTheLine() {
        for (String[] bad : new String[][] {{"a:\n  - 1\n", "line 2"}, {"a: &x 1\n", "line 1"}, {"a:\n\tb: 1\n", "line 2"},
            {"a: 1\n  b: 2\n", "line 2"}, {"a: 1\na: 2\n", "duplicate"}, {"just text\n", "line 1"}}) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> Yaml.parse(bad[0], "config.yaml"), bad[0]);
            assertTrue(e.getMessage().startsWith("config.yaml: ") && e.getMessage().contains(bad[1]), e.getMessage());
        }
    }

    @Test
    void yamlNestedDeeperThanAnyConfigIsRefusedWithoutExhaustingTheStack() {
        StringBuilder deep = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            deep.append(" ".repeat(i)).append("k:\n");
        }
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Yaml.parse(deep.toString(), "config.yaml"));
        assertTrue(e.getMessage().contains("nested deeper than 64"), e.getMessage());
    }
}

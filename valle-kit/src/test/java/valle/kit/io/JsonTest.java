package valle.kit.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import valle.api.ModelFormatException;

class JsonTest {

    @Test
    void parsesEveryValueKind() {
        Map<String, Object> m = Json.parseObject(
                "{\"a\": [1, -2.5, 3e2, true, false, null], \"s\": \"x\\u00e9\\n\\\"\", \"o\": {}}", "t");
        assertEquals(List.of(1L, -2.5, 300.0, true, false), ((List<?>) m.get("a")).subList(0, 5));
        assertNull(((List<?>) m.get("a")).get(5));
        assertEquals("x\u00e9\n\"", m.get("s"));
        assertEquals(Map.of(), m.get("o"));
    }

    @Test
    void keepsKeyOrder() {
        Map<String, Object> m = Json.parseObject("{\"b\":1,\"a\":2,\"c\":3}", "t");
        assertEquals(List.of("b", "a", "c"), List.copyOf(m.keySet()));
    }

    @Test
    void refusesBrokenInputNamingSourceAndOffset() {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Json.parse("{\"a\": 1,}", "hdr"));
        assertTrue(e.getMessage().startsWith("hdr: invalid JSON at character 8"), e.getMessage());
        assertThrows(ModelFormatException.class, () -> Json.parse("{\"a\": 1} x", "t"));
        assertThrows(ModelFormatException.class, () -> Json.parse("{\"a\": 1, \"a\": 2}", "t"));
        assertEquals(Map.of("a", 1L), Json.parse("{\"a\": 1, \"a\": 1}", "t"));
        assertThrows(ModelFormatException.class, () -> Json.parse("\"abc", "t"));
        assertThrows(ModelFormatException.class, () -> Json.parse("01", "t"));
        assertThrows(ModelFormatException.class, () -> Json.parse("", "t"));
        assertThrows(ModelFormatException.class, () -> Json.parseObject("[1]", "t"));
    }

    @Test
    void refusesWhatConfigFilesMustNotHold() {
        for (String bad : new String[] {"{\"a\": 1,}", "{\"a\": 1} x", "{\"a\": 1, \"a\": 2}", "{\"a\": 01}",
            "{\"a\": tru}", "{\"a\": \"\\u12g4\"}", "{\"a\": \"\\u\u0661234\"}", "{\"a\": 1.}", "{\"a\": -}"}) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> Json.parseObject(bad, "cfg.json"), bad);
            assertTrue(e.getMessage().startsWith("cfg.json: invalid JSON at character"), e.getMessage());
        }
    }

    @Test
    void integersBeyondALongReadAsDoubles() {
        assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807", "t"));
        assertEquals(9.223372036854775808e18, Json.parse("9223372036854775808", "t"));
        assertEquals(-3.0, Json.parse("-3.0", "t"));
    }

    @Test
    void numbersBeyondADoubleAreRefused() {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Json.parse("[1e999]", "t"));
        assertTrue(e.getMessage().contains("beyond a double"), e.getMessage());
        assertThrows(ModelFormatException.class, () -> Json.parse("-" + "9".repeat(400), "t"));
    }

    @Test
    void nestsToTheLimitAndNoFurther() {
        String atLimit = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
        assertTrue(Json.parse(atLimit, "t") instanceof List<?>);
        String deep = "[".repeat(Json.MAX_DEPTH + 2) + "]".repeat(Json.MAX_DEPTH + 2);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Json.parse(deep, "t"));
        assertTrue(e.getMessage().contains("nesting deeper than " + Json.MAX_DEPTH), e.getMessage());
    }

    @Test
    void refusesDeepNestingWithoutExhaustingTheStack() {
        String deep = "{\"a\":".repeat(100_000) + "1" + "}".repeat(100_000);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Json.parse(deep, "t"));
        assertTrue(e.getMessage().contains("nesting"), e.getMessage());
    }
}

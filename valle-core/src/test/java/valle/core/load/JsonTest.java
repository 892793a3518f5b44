package valle.core.load;

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
    void refusesDeepNesting() {
        String deep = "[".repeat(Json.MAX_DEPTH + 2) + "]".repeat(Json.MAX_DEPTH + 2);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Json.parse(deep, "t"));
        assertTrue(e.getMessage().contains("nesting"), e.getMessage());
    }
}

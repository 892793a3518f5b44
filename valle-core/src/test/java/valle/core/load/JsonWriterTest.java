package valle.core.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import valle.kit.io.Json;

class JsonWriterTest {

    @Test
    void writesWhatTheReaderReadsBack() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("text", "say \"hi\"\n\u0001\\");
        m.put("frames", 75L);
        m.put("rtf", 0.25);
        m.put("whole", 2.0);
        m.put("ok", true);
        m.put("none", null);
        m.put("rows", List.of(1, 2.5f, "x"));
        String json = JsonWriter.write(m);
        assertEquals("{\"text\":\"say \\\"hi\\\"\\n\\u0001\\\\\",\"frames\":75,\"rtf\":0.25,\"whole\":2,\"ok\":true,"
                + "\"none\":null,\"rows\":[1,2.5,\"x\"]}", json);
        Map<String, Object> back = Json.parseObject(json, "test");
        assertEquals(m.get("text"), back.get("text"));
        assertEquals(0.25, back.get("rtf"));
        assertEquals(Arrays.asList(1L, 2.5, "x"), back.get("rows"));
    }

    @Test
    void refusesWhatJsonCannotHold() {
        assertThrows(IllegalArgumentException.class, () -> JsonWriter.write(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> JsonWriter.write(new Object()));
    }
}

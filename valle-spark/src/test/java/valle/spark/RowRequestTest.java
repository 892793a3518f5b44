package valle.spark;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The request table's columns are checked before any task runs. */
class RowRequestTest {
    private static StructType columns(String... names) {
        StructType schema = new StructType();
        for (String name : names) {
            schema = schema.add(name, DataTypes.StringType);
        }
        return schema;
    }

    @Test
    void requestColumnsAndSamplingSettingsAreAccepted() {
        assertDoesNotThrow(() -> RowRequest.checkColumns(columns("id", "text", "voice", "language", "seed",
                "ar_temperature", "nar_temperature", "max_duration", "modality", "cfg_strength", "top_k")));
    }

    @Test
    void anUnknownColumnIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RowRequest.checkColumns(columns("id", "text", "chapter", "ar_temprature")));
        assertTrue(e.getMessage().contains("[chapter, ar_temprature]"), e.getMessage());
    }

    @Test
    void idAndTextAreRequired() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RowRequest.checkColumns(columns("id", "sentence")));
        assertTrue(e.getMessage().startsWith("the requests have no 'text' column"), e.getMessage());
    }
}
